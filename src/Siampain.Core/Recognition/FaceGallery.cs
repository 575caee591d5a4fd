using System.Numerics.Tensors;

namespace Siampain.Recognition;

/// <summary>
/// The enrolled templates, held as one contiguous row-major matrix so a 1:N search is a run of SIMD dot
/// products over memory read in order (embeddings are L2-normalised, so dot = cosine). A person may have several
/// templates (with and without a mask, different days); the search scores each person by their best template.
/// Searches run lock-free on an immutable snapshot: enrolment is rare and matching runs on every face, so
/// writers pay (appends write past the readers' row count; removals build new arrays) and readers never wait.
/// </summary>
public sealed class FaceGallery
{
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

    public FaceGallery(int dimensions, int initialCapacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        Dimensions = dimensions;
        var capacity = Math.Max(1, initialCapacity);
        _snapshot = new Snapshot(new float[capacity * dimensions], new int[capacity], [], 0, new Dictionary<string, int>(StringComparer.Ordinal));
    }

    public int Dimensions { get; }

    public int TemplateCount => _snapshot.Count;

    public int PersonCount => _snapshot.PersonIndex.Count;

    public void Add(string personId, ReadOnlySpan<float> embedding)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        if (embedding.Length != Dimensions)
        {
            throw new ArgumentException($"A template has {Dimensions} values, got {embedding.Length}.", nameof(embedding));
        }

        lock (_writeLock)
        {
            var current = _snapshot;
            var templates = current.Templates;
            var owners = current.Owners;
            var people = current.People;
            var index = current.PersonIndex;
            if (!index.TryGetValue(personId, out var owner))
            {
                owner = people.Length;
                people = [.. people, personId];
                index = new Dictionary<string, int>(index, StringComparer.Ordinal) { [personId] = owner };
            }

            if (current.Count == owners.Length)
            {
                templates = new float[owners.Length * 2 * Dimensions];
                owners = new int[owners.Length * 2];
                current.Templates.AsSpan(0, current.Count * Dimensions).CopyTo(templates);
                current.Owners.AsSpan(0, current.Count).CopyTo(owners);
            }

            embedding.CopyTo(templates.AsSpan(current.Count * Dimensions, Dimensions));
            owners[current.Count] = owner;
            _snapshot = new Snapshot(templates, owners, people, current.Count + 1, index);
        }
    }

    /// <summary>Removes every template of a person; returns how many were removed.</summary>
    public int Remove(string personId)
    {
        lock (_writeLock)
        {
            var current = _snapshot;
            if (!current.PersonIndex.TryGetValue(personId, out var owner))
            {
                return 0;
            }

            var templates = new float[current.Templates.Length];
            var owners = new int[current.Owners.Length];
            var kept = 0;
            for (var row = 0; row < current.Count; row++)
            {
                if (current.Owners[row] == owner)
                {
                    continue;
                }

                current.Templates.AsSpan(row * Dimensions, Dimensions).CopyTo(templates.AsSpan(kept * Dimensions, Dimensions));
                owners[kept++] = current.Owners[row];
            }

            var index = new Dictionary<string, int>(current.PersonIndex, StringComparer.Ordinal);
            index.Remove(personId);
            _snapshot = new Snapshot(templates, owners, current.People, kept, index);
            return current.Count - kept;
        }
    }

    /// <summary>The best-scoring person and the best other person (the runner-up) for a normalised probe.</summary>
    public GalleryMatch Match(ReadOnlySpan<float> probe)
    {
        if (probe.Length != Dimensions)
        {
            throw new ArgumentException($"A probe has {Dimensions} values, got {probe.Length}.", nameof(probe));
        }

        var snapshot = _snapshot;
        int best = -1, second = -1;
        float bestScore = float.NegativeInfinity, secondScore = float.NegativeInfinity;
        var templates = snapshot.Templates.AsSpan(0, snapshot.Count * Dimensions);
        var owners = snapshot.Owners;
        for (var row = 0; row < snapshot.Count; row++)
        {
            var score = TensorPrimitives.Dot(templates.Slice(row * Dimensions, Dimensions), probe);
            var owner = owners[row];
            if (owner == best)
            {
                bestScore = MathF.Max(bestScore, score);
            }
            else if (score > bestScore)
            {
                (second, secondScore) = (best, bestScore);
                (best, bestScore) = (owner, score);
            }
            else if (owner == second)
            {
                secondScore = MathF.Max(secondScore, score);
            }
            else if (score > secondScore)
            {
                (second, secondScore) = (owner, score);
            }
        }

        return new GalleryMatch(
            best < 0 ? null : snapshot.People[best],
            best < 0 ? float.NaN : bestScore,
            second < 0 ? null : snapshot.People[second],
            second < 0 ? float.NaN : secondScore);
    }

    private sealed record Snapshot(float[] Templates, int[] Owners, string[] People, int Count, Dictionary<string, int> PersonIndex);
}

/// <summary>The outcome of a 1:N search: best person and runner-up, with cosine scores (NaN when absent).</summary>
public readonly record struct GalleryMatch(string? PersonId, float Score, string? RunnerUpId, float RunnerUpScore)
{
    /// <summary>How far the best person leads the next one; infinite when only one person is enrolled.</summary>
    public float Margin => RunnerUpId is null ? float.PositiveInfinity : Score - RunnerUpScore;

    /// <summary>Open-set decision: a stranger scores below the threshold; a close runner-up makes it uncertain.</summary>
    public MatchDecision Decide(float threshold, float minMargin) =>
        PersonId is null || Score < threshold ? MatchDecision.Unknown
        : Margin < minMargin ? MatchDecision.Uncertain
        : MatchDecision.Recognised;
}

public enum MatchDecision
{
    Unknown,
    Uncertain,
    Recognised,
}
