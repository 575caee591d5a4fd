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

    // The unit embedding of the track's last masked frame, and whether it was of the mirror image.
    private float[]? _lastView;
    private bool _hasLastView;
    private bool _lastViewMirrored;

    /// <summary>
    /// Whether this frame should embed the mirror image: when the last frame was a masked face embedded as it is,
    /// so that the two frames together give both views (<see cref="PairWithLastView"/>).
    /// </summary>
    public bool WantsMirrorView => _hasLastView && !_lastViewMirrored;

    /// <summary>
    /// Turns this masked frame's unit embedding (of the face, or of its mirror image) into the two-view embedding
    /// when the last frame gave the other view, and remembers this frame's view for the next one. On a still face
    /// the pair is exactly the face embedded with its mirror image, for one embedder pass per frame instead of two;
    /// a face that moved gives two crops, which still match its person better than one view (MirroredEmbeddingTests).
    /// </summary>
    public void PairWithLastView(Span<float> embedding, bool mirrored)
    {
        Span<float> view = stackalloc float[embedding.Length];
        embedding.CopyTo(view);
        if (_hasLastView && _lastViewMirrored != mirrored)
        {
            Recognition.FaceEmbedder.CombineViews(view, _lastView!, embedding);
        }

        _lastView ??= new float[embedding.Length];
        view.CopyTo(_lastView);
        _hasLastView = true;
        _lastViewMirrored = mirrored;
    }

    /// <summary>An unmasked frame ends the pairing: its view is not mixed with masked ones.</summary>
    public void ForgetLastView() => _hasLastView = false;

    // Whether every good frame so far was clear-cut: far above the threshold for one and the same person, or far
    // below it for everyone. Such tracks decide early; one frame that is not clear-cut sends the track to the vote.
    private string? _clearPerson;
    private bool _allClearlyOnePerson = true;
    private bool _allClearlyNobody = true;

    /// <summary>
    /// Adds one good frame's match and returns the decision it completes, if any. Decisions go by majority: a
    /// person is recognised once they hold <see cref="RecognitionOptions.VotesToRecognise"/> agreeing frames and
    /// more than half of the track's frames, and a face is unknown once four in five frames match nobody. A
    /// stranger who now and then resembles a student collects scattered votes, never a majority, so cannot be
    /// checked in by the odd lucky frame. Clear-cut faces decide sooner: when every good frame of the track, from
    /// the first, matched the same person by <see cref="RecognitionOptions.ConfidentGap"/> above the threshold
    /// (and led the runner-up by as much), <see cref="RecognitionOptions.ConfidentVotesToRecognise"/> of them
    /// recognise; when every frame stayed that far below it, <see cref="RecognitionOptions.ConfidentVotesToReject"/>
    /// of them call the face unknown. A single frame that is not clear-cut, or that names someone else, closes
    /// the early path for the track, so look-alike frames still face the majority vote.
    /// </summary>
    public FaceDecision? Vote(Recognition.GalleryMatch match, float threshold, RecognitionOptions options, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(options);
        Votes++;
        if (!float.IsNaN(match.Score))
        {
            BestScore = MathF.Max(BestScore, match.Score);
        }

        var gap = options.ConfidentGap;
        var clearMatch = match.PersonId is not null && match.Score >= threshold + gap && match.Margin >= MathF.Max(gap, options.MinMargin);
        _clearPerson ??= clearMatch ? match.PersonId : null;
        _allClearlyOnePerson &= clearMatch && string.Equals(match.PersonId, _clearPerson, StringComparison.Ordinal);
        _allClearlyNobody &= !(match.Score >= threshold - gap);

        if (match.PersonId is not null && match.Score >= threshold)
        {
            _votesAboveThreshold++;
            if (match.Margin >= options.MinMargin)
            {
                var (votes, sum) = _agreeing.GetValueOrDefault(match.PersonId);
                votes++;
                sum += match.Score;
                _agreeing[match.PersonId] = (votes, sum);
                var byMajority = votes >= options.VotesToRecognise && votes * 2 > Votes;
                var clearCut = _allClearlyOnePerson && votes >= options.ConfidentVotesToRecognise;
                if (byMajority || clearCut)
                {
                    return Decide(DecisionKind.Recognised, match.PersonId, sum / votes, at);
                }
            }
        }

        var unmatched = Votes - _votesAboveThreshold;
        var bestSeen = float.IsNegativeInfinity(BestScore) ? 0 : BestScore;
        if ((Votes >= options.VotesToReject && unmatched * 5 >= Votes * 4) || (_allClearlyNobody && Votes >= options.ConfidentVotesToReject))
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
