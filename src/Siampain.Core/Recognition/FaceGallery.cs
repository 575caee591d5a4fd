using System.Buffers;
using System.Numerics.Tensors;

namespace Siampain.Recognition;

/// <summary>
/// The enrolled templates, held as one contiguous row-major matrix so a 1:N search is a run of SIMD dot
/// products over memory read in order (embeddings are L2-normalised, so dot = cosine). A person may have several
/// templates (with and without a mask, different days); the search scores each person by their best template.
/// Searches run lock-free on an immutable snapshot: enrolment is rare and matching runs on every face, so
/// writers pay (appends write past the readers' row count; removals build new arrays) and readers never wait.
/// A probe the mask classifier called masked is matched against the masked templates only (painted at enrolment
/// on the person's own photos): like is compared with like, and the match says so, so the caller applies the
/// masked threshold.
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
        _snapshot = new Snapshot(new float[capacity * dimensions], new int[capacity], new bool[capacity], [], 0, 0, new Dictionary<string, int>(StringComparer.Ordinal));
    }

    public int Dimensions { get; }

    /// <summary>Templates painted with a mask (at enrolment) or taken of a masked face.</summary>
    public int MaskedTemplateCount => _snapshot.MaskedCount;

    public int TemplateCount => _snapshot.Count;

    public int PersonCount => _snapshot.PersonIndex.Count;

    public void Add(string personId, ReadOnlySpan<float> embedding, bool masked = false)
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
            var maskedRows = current.Masked;
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
                maskedRows = new bool[owners.Length];
                current.Templates.AsSpan(0, current.Count * Dimensions).CopyTo(templates);
                current.Owners.AsSpan(0, current.Count).CopyTo(owners);
                current.Masked.AsSpan(0, current.Count).CopyTo(maskedRows);
            }

            embedding.CopyTo(templates.AsSpan(current.Count * Dimensions, Dimensions));
            owners[current.Count] = owner;
            maskedRows[current.Count] = masked;
            _snapshot = new Snapshot(templates, owners, maskedRows, people, current.Count + 1, current.MaskedCount + (masked ? 1 : 0), index);
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
            var maskedRows = new bool[current.Owners.Length];
            var kept = 0;
            for (var row = 0; row < current.Count; row++)
            {
                if (current.Owners[row] == owner)
                {
                    continue;
                }

                current.Templates.AsSpan(row * Dimensions, Dimensions).CopyTo(templates.AsSpan(kept * Dimensions, Dimensions));
                maskedRows[kept] = current.Masked[row];
                owners[kept++] = current.Owners[row];
            }

            var index = new Dictionary<string, int>(current.PersonIndex, StringComparer.Ordinal);
            index.Remove(personId);
            _snapshot = new Snapshot(templates, owners, maskedRows, current.People, kept, maskedRows.Count(m => m), index);
            return current.Count - kept;
        }
    }

    /// <summary>The best-scoring person and the best other person (the runner-up) for a normalised probe, over all templates.</summary>
    public GalleryMatch Match(ReadOnlySpan<float> probe) => Match(probe, TemplateFilter.All);

    /// <summary>
    /// As <see cref="Match(ReadOnlySpan{float})"/>, with the probe's mask state from the mask classifier. When the
    /// gallery has masked templates, a masked probe scores each person by the mean of their best unmasked and best
    /// masked template (<see cref="TemplateFilter.Fused"/>, which measured best on masked LFW), and an unmasked probe
    /// by their unmasked templates (<see cref="TemplateFilter.PreferUnmasked"/>: a clean face against a painted one
    /// only adds chances for a stranger). Without masked templates, all templates as before.
    /// </summary>
    public GalleryMatch Match(ReadOnlySpan<float> probe, bool masked) =>
        Match(probe, _snapshot.MaskedCount == 0 ? TemplateFilter.All : masked ? TemplateFilter.Fused : TemplateFilter.PreferUnmasked);

    /// <summary>The best person and the runner-up among the templates <paramref name="filter"/> lets through.</summary>
    public GalleryMatch Match(ReadOnlySpan<float> probe, TemplateFilter filter)
    {
        if (probe.Length != Dimensions)
        {
            throw new ArgumentException($"A probe has {Dimensions} values, got {probe.Length}.", nameof(probe));
        }

        var snapshot = _snapshot;
        if (filter is TemplateFilter.Fused or TemplateFilter.PreferUnmasked)
        {
            return MatchByKind(snapshot, probe, filter);
        }

        var maskedRows = snapshot.Masked;
        var ranking = new Ranking();
        var templates = snapshot.Templates.AsSpan(0, snapshot.Count * Dimensions);
        var owners = snapshot.Owners;
        for (var row = 0; row < snapshot.Count; row++)
        {
            if ((filter == TemplateFilter.Masked && !maskedRows[row]) || (filter == TemplateFilter.Unmasked && maskedRows[row]))
            {
                continue;
            }

            ranking.Offer(owners[row], TensorPrimitives.Dot(templates.Slice(row * Dimensions, Dimensions), probe));
        }

        return ranking.ToMatch(snapshot.People, masked: filter == TemplateFilter.Masked);
    }

    /// <summary>Scores each person from their best unmasked and best masked template, combined as <paramref name="filter"/> says.</summary>
    private GalleryMatch MatchByKind(Snapshot snapshot, ReadOnlySpan<float> probe, TemplateFilter filter)
    {
        var people = snapshot.People.Length;
        var rented = ArrayPool<float>.Shared.Rent(people * 2);
        var bestUnmasked = rented.AsSpan(0, people);
        var bestMasked = rented.AsSpan(people, people);
        bestUnmasked.Fill(float.NegativeInfinity);
        bestMasked.Fill(float.NegativeInfinity);
        try
        {
            var templates = snapshot.Templates.AsSpan(0, snapshot.Count * Dimensions);
            for (var row = 0; row < snapshot.Count; row++)
            {
                var score = TensorPrimitives.Dot(templates.Slice(row * Dimensions, Dimensions), probe);
                var kind = snapshot.Masked[row] ? bestMasked : bestUnmasked;
                kind[snapshot.Owners[row]] = MathF.Max(kind[snapshot.Owners[row]], score);
            }

            var ranking = new Ranking();
            for (var person = 0; person < people; person++)
            {
                var unmasked = bestUnmasked[person];
                var masked = bestMasked[person];

                // Removed people keep their slot with no template; a person enrolled only masked or only unmasked scores that kind alone.
                var score = float.IsNegativeInfinity(masked) ? unmasked
                    : float.IsNegativeInfinity(unmasked) ? masked
                    : filter == TemplateFilter.Fused ? (unmasked + masked) / 2 : unmasked;
                if (!float.IsNegativeInfinity(score))
                {
                    ranking.Offer(person, score);
                }
            }

            return ranking.ToMatch(snapshot.People, masked: filter == TemplateFilter.Fused);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The best person and the best other person seen so far. A person may be offered several times (one score a
    /// template): a better score of the leader raises the leader, it never makes the leader its own runner-up.
    /// </summary>
    private struct Ranking()
    {
        private int _best = -1;
        private int _second = -1;
        private float _bestScore = float.NegativeInfinity;
        private float _secondScore = float.NegativeInfinity;

        public void Offer(int person, float score)
        {
            if (person == _best)
            {
                _bestScore = MathF.Max(_bestScore, score);
            }
            else if (score > _bestScore)
            {
                (_second, _secondScore) = (_best, _bestScore);
                (_best, _bestScore) = (person, score);
            }
            else if (person == _second)
            {
                _secondScore = MathF.Max(_secondScore, score);
            }
            else if (score > _secondScore)
            {
                (_second, _secondScore) = (person, score);
            }
        }

        public readonly GalleryMatch ToMatch(string[] people, bool masked) => new(
            _best < 0 ? null : people[_best],
            _best < 0 ? float.NaN : _bestScore,
            _second < 0 ? null : people[_second],
            _second < 0 ? float.NaN : _secondScore,
            masked);
    }

    private sealed record Snapshot(float[] Templates, int[] Owners, bool[] Masked, string[] People, int Count, int MaskedCount, Dictionary<string, int> PersonIndex);
}

/// <summary>Which templates a search looks at, and how a person's templates make their score.</summary>
public enum TemplateFilter
{
    /// <summary>Every template; a person scores their best one.</summary>
    All,

    Unmasked,

    Masked,

    /// <summary>A person scores the mean of their best unmasked and best masked template (masked probes).</summary>
    Fused,

    /// <summary>A person scores their best unmasked template, or their best masked one when they have no other (unmasked probes).</summary>
    PreferUnmasked,
}

/// <summary>
/// The outcome of a 1:N search: best person and runner-up, with cosine scores (NaN when absent). Masked: the probe
/// was taken as masked and matched against masked templates, so the masked threshold applies.
/// </summary>
public readonly record struct GalleryMatch(string? PersonId, float Score, string? RunnerUpId, float RunnerUpScore, bool Masked = false)
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
