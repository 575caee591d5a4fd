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

    /// <summary>
    /// Adds one good frame's match and returns the decision it completes, if any. Decisions go by majority: a
    /// person is recognised once they hold <see cref="RecognitionOptions.VotesToRecognise"/> agreeing frames and
    /// more than half of the track's frames, and a face is unknown once four in five frames match nobody. A
    /// stranger who now and then resembles a student collects scattered votes, never a majority, so cannot be
    /// checked in by the odd lucky frame.
    /// </summary>
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
                if (votes + 1 >= options.VotesToRecognise && (votes + 1) * 2 > Votes)
                {
                    return Decide(DecisionKind.Recognised, match.PersonId, (sum + match.Score) / (votes + 1), at);
                }
            }
        }

        var unmatched = Votes - _votesAboveThreshold;
        var bestSeen = float.IsNegativeInfinity(BestScore) ? 0 : BestScore;
        if (Votes >= options.VotesToReject && unmatched * 5 >= Votes * 4)
        {
            return Decide(DecisionKind.Unknown, null, bestSeen, at);
        }

        if (Votes < options.MaxVotes)
        {
            return null;
        }

        // Out of frames: mostly nobody is a stranger; mostly somebody, but never one clear person, is a close call.
        return Decide(unmatched * 2 > Votes ? DecisionKind.Unknown : DecisionKind.Uncertain, null, bestSeen, at);
    }

    private FaceDecision Decide(DecisionKind kind, string? person, float confidence, DateTimeOffset at)
    {
        Decided = true;
        return new FaceDecision(Id, kind, person, confidence, Votes, FirstSeenAt, at, Face);
    }
}
