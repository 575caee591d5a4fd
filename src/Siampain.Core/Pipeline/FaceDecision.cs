using Siampain.Detection;

namespace Siampain.Pipeline;

/// <summary>What the terminal concluded about one person standing in front of it.</summary>
public enum DecisionKind
{
    /// <summary>Enough frames agreed on one enrolled person.</summary>
    Recognised,

    /// <summary>Enough good frames, none close to anyone enrolled: a stranger.</summary>
    Unknown,

    /// <summary>The frames did not agree, or the best match was too close to the runner-up: ask the person to look again.</summary>
    Uncertain,
}

/// <summary>
/// One decision per track (a face followed across frames): the same person standing at the door yields one
/// decision, not one per frame.
/// </summary>
/// <param name="TrackId">The track the decision closes; increasing per pipeline.</param>
/// <param name="PersonId">The enrolled person for <see cref="DecisionKind.Recognised"/>, else null.</param>
/// <param name="Confidence">Mean cosine of the voting frames for the chosen person (or the best cosine seen, for unknown faces).</param>
/// <param name="Votes">Good-quality frames the decision rests on.</param>
/// <param name="FirstSeenAt">When the track's first frame was captured.</param>
/// <param name="DecidedAt">When the frame that completed the decision was captured.</param>
/// <param name="Face">The face in the deciding frame (box and keypoints).</param>
public sealed record FaceDecision(
    long TrackId,
    DecisionKind Kind,
    string? PersonId,
    float Confidence,
    int Votes,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset DecidedAt,
    DetectedFace Face)
{
    /// <summary>From the face entering the frame to the decision, in capture time.</summary>
    public TimeSpan Latency => DecidedAt - FirstSeenAt;
}
