using Siampain.Detection;

namespace Siampain.Pipeline;

/// <summary>
/// One face followed across frames, with the votes of its good frames. Once it has decided, it stays quiet until
/// the face leaves (times out), so a person standing at the door is decided once.
/// </summary>
internal sealed class FaceTrack(long id, DetectedFace face, DateTimeOffset seenAt)
{
    private readonly Dictionary<string, (int Votes, float ScoreSum)> _agreeing = new(StringComparer.Ordinal);

    public long Id { get; } = id;

    public DetectedFace Face { get; set; } = face;

    public DateTimeOffset FirstSeenAt { get; } = seenAt;

    public DateTimeOffset LastSeenAt { get; set; } = seenAt;

    public bool Decided { get; private set; }

    /// <summary>Good frames voted so far.</summary>
    public int Votes { get; private set; }

    /// <summary>The highest cosine any good frame reached, whoever it matched.</summary>
    public float BestScore { get; private set; } = float.NegativeInfinity;

    private int _votesAboveThreshold;

    /// <summary>Adds one good frame's match and returns the decision it completes, if any.</summary>
    public FaceDecision? Vote(Recognition.GalleryMatch match, float threshold, float minMargin, RecognitionOptions options, DateTimeOffset at)
    {
        Votes++;
        if (!float.IsNaN(match.Score))
        {
            BestScore = MathF.Max(BestScore, match.Score);
        }

        if (match.PersonId is not null && match.Score >= threshold)
        {
            _votesAboveThreshold++;
            if (match.Margin >= minMargin)
            {
                var (votes, sum) = _agreeing.GetValueOrDefault(match.PersonId);
                _agreeing[match.PersonId] = (votes + 1, sum + match.Score);
                if (votes + 1 >= options.VotesToRecognise)
                {
                    return Decide(DecisionKind.Recognised, match.PersonId, (sum + match.Score) / (votes + 1), at);
                }
            }
        }

        if (_votesAboveThreshold == 0 && Votes >= options.VotesToReject)
        {
            return Decide(DecisionKind.Unknown, null, float.IsNegativeInfinity(BestScore) ? 0 : BestScore, at);
        }

        return Votes >= options.MaxVotes
            ? Decide(DecisionKind.Uncertain, null, float.IsNegativeInfinity(BestScore) ? 0 : BestScore, at)
            : null;
    }

    private FaceDecision Decide(DecisionKind kind, string? person, float confidence, DateTimeOffset at)
    {
        Decided = true;
        return new FaceDecision(Id, kind, person, confidence, Votes, FirstSeenAt, at, Face);
    }
}
