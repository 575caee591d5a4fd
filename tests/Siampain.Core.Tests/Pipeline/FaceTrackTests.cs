using Microsoft.Extensions.Time.Testing;
using Siampain.Detection;
using Siampain.Pipeline;
using Siampain.Recognition;

namespace Siampain.Tests.Pipeline;

/// <summary>
/// The voting rules on matches of known scores: clear-cut faces decide early, everything else by majority, and a
/// stranger's look-alike frames never add up to a check-in however they are spread.
/// </summary>
public sealed class FaceTrackTests
{
    private const float Threshold = 0.46f;
    private static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(1000.0 / 15);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly RecognitionOptions _options = new();

    [Fact]
    public void Two_clear_frames_of_one_person_recognise_at_the_second_frame()
    {
        var (decision, frames) = Play(Alice(0.9f), Alice(0.85f), Alice(0.9f));

        Assert.Equal(2, frames);
        Assert.Equal(DecisionKind.Recognised, decision!.Kind);
        Assert.Equal("alice", decision.PersonId);
        Assert.Equal(2, decision.Votes);
        Assert.Equal(0.875f, decision.Confidence, 3);
        Assert.Equal(FrameInterval, decision.Latency);
    }

    [Fact]
    public void A_borderline_first_frame_leaves_the_decision_to_the_majority_vote()
    {
        var (decision, frames) = Play(Alice(Threshold + 0.05f), Alice(0.9f), Alice(0.9f), Alice(0.9f));

        Assert.Equal(3, frames);
        Assert.Equal(DecisionKind.Recognised, decision!.Kind);
        Assert.Equal(3, decision.Votes);
    }

    [Fact]
    public void A_close_runner_up_is_not_clear_cut()
    {
        var (decision, frames) = Play(Alice(0.9f, runnerUp: 0.75f), Alice(0.9f, runnerUp: 0.75f), Alice(0.9f, runnerUp: 0.75f));

        Assert.Equal(3, frames);
        Assert.Equal(DecisionKind.Recognised, decision!.Kind);
    }

    [Fact]
    public void Clear_frames_naming_two_people_are_left_to_the_majority_vote()
    {
        var bob = new GalleryMatch("bob", 0.9f, "alice", 0.1f);

        var (decision, frames) = Play(Alice(0.9f), bob, Alice(0.9f), Alice(0.9f));

        Assert.Equal(4, frames);
        Assert.Equal("alice", decision!.PersonId);
        Assert.Equal(4, decision.Votes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_strangers_scattered_look_alike_frames_never_check_them_in(bool lookAlikeFirst)
    {
        // Every third frame resembles Alice clearly; the rest match nobody. Whichever comes first, Alice never
        // holds a majority and the early path closes at the first frame that disagrees.
        var frames = Enumerable.Range(0, 12)
            .Select(i => i % 3 == (lookAlikeFirst ? 0 : 1) ? Alice(0.75f) : Nobody(0.2f))
            .ToArray();

        var (decision, _) = Play(frames);

        Assert.NotNull(decision);
        Assert.NotEqual(DecisionKind.Recognised, decision.Kind);
        Assert.Null(decision.PersonId);
    }

    [Fact]
    public void Frames_clearly_matching_nobody_call_a_stranger_unknown_at_the_third_frame()
    {
        var (decision, frames) = Play(Nobody(0.1f), Nobody(0.2f), Nobody(0.15f), Nobody(0.1f));

        Assert.Equal(3, frames);
        Assert.Equal(DecisionKind.Unknown, decision!.Kind);
        Assert.Equal(0.2f, decision.Confidence);
        Assert.Equal(2 * FrameInterval, decision.Latency);
    }

    [Fact]
    public void A_face_just_below_the_threshold_waits_for_the_full_vote_before_it_is_unknown()
    {
        var (decision, frames) = Play(Nobody(0.2f), Nobody(Threshold - 0.05f), Nobody(0.2f), Nobody(0.2f), Nobody(0.2f), Nobody(0.2f));

        Assert.Equal(_options.VotesToReject, frames);
        Assert.Equal(DecisionKind.Unknown, decision!.Kind);
    }

    [Fact]
    public void An_empty_gallery_calls_every_face_unknown_early()
    {
        var (decision, frames) = Play(new GalleryMatch(null, float.NaN, null, float.NaN), new GalleryMatch(null, float.NaN, null, float.NaN), new GalleryMatch(null, float.NaN, null, float.NaN));

        Assert.Equal(3, frames);
        Assert.Equal(DecisionKind.Unknown, decision!.Kind);
        Assert.Equal(0, decision.Confidence);
    }

    [Fact]
    public void The_early_decision_can_be_turned_off_with_the_majority_counts()
    {
        _options.ConfidentVotesToRecognise = _options.VotesToRecognise;
        _options.ConfidentVotesToReject = _options.VotesToReject;

        Assert.Equal(_options.VotesToRecognise, Play(Alice(0.9f), Alice(0.9f), Alice(0.9f)).Frames);
        Assert.Equal(_options.VotesToReject, Play(Nobody(0.1f), Nobody(0.1f), Nobody(0.1f), Nobody(0.1f), Nobody(0.1f)).Frames);
    }

    private static GalleryMatch Alice(float score, float runnerUp = 0.1f) => new("alice", score, "bob", runnerUp);

    private static GalleryMatch Nobody(float best) => new("bob", best, "alice", best - 0.02f);

    /// <summary>Votes the matches one frame apart until a decision; returns it and the frames it took.</summary>
    private (FaceDecision? Decision, int Frames) Play(params GalleryMatch[] matches)
    {
        var track = new FaceTrack(1, default(DetectedFace), _time.GetUtcNow());
        for (var i = 0; i < matches.Length; i++)
        {
            if (track.Vote(matches[i], Threshold, _options, _time.GetUtcNow()) is { } decision)
            {
                Assert.True(track.Decided);
                return (decision, i + 1);
            }

            _time.Advance(FrameInterval);
        }

        return (null, matches.Length);
    }
}
