using Microsoft.Extensions.Time.Testing;
using Siampain.Camera;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Models;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Pipeline;

public sealed class RecognitionPipelineTests : IDisposable
{
    private static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(1000.0 / 15);

    private readonly FaceAnalyzer _analyzer = new(TestAssets.Manifest, "int8");
    private readonly FaceGallery _gallery;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly RgbImage _photo = TestAssets.LoadSample(3);
    private readonly List<DetectedFace> _photoFaces;

    public RecognitionPipelineTests()
    {
        _gallery = new FaceGallery(_analyzer.Embedder.Dimensions);
        _photoFaces = DoorFrames.FacesOf(_photo);
    }

    [Fact]
    public void A_person_standing_at_the_door_is_recognised_once_after_two_clear_frames()
    {
        Enrol("alice", 0);
        Enrol("bob", 1);
        var pipeline = Create();
        var frame = DoorFrames.Around(_photo, _photoFaces[0]);

        var decisions = Play(pipeline, frame, frames: 10);

        var decision = Assert.Single(decisions);
        Assert.Equal(DecisionKind.Recognised, decision.Kind);
        Assert.Equal("alice", decision.PersonId);
        Assert.Equal(2, decision.Votes);
        Assert.Equal(FrameInterval, decision.Latency);
        Assert.InRange(decision.Confidence, pipeline.Threshold, 1f);
        Assert.Equal(10, pipeline.Stats.Frames);
        Assert.InRange(pipeline.Stats.FramesPerSecond, 14.9, 15.1);
    }

    [Fact]
    public void People_enrolled_while_it_runs_raise_the_bar_a_match_must_clear()
    {
        Enrol("alice", 0);
        var pipeline = Create();
        var alone = pipeline.Threshold;
        var random = new Random(7);
        var embedding = new float[_analyzer.Embedder.Dimensions];
        for (var i = 0; i < 299; i++)
        {
            foreach (ref var value in embedding.AsSpan())
            {
                value = (float)random.NextDouble() - 0.5f;
            }

            System.Numerics.Tensors.TensorPrimitives.Divide(embedding, System.Numerics.Tensors.TensorPrimitives.Norm(embedding), embedding);
            _gallery.Add($"person-{i}", embedding);
        }

        Assert.Equal(MatchThresholds.From(_analyzer.Embedder.Manifest, galleryPeople: 1).Unmasked, alone);
        Assert.Equal(MatchThresholds.From(_analyzer.Embedder.Manifest, galleryPeople: 300).Unmasked, pipeline.Threshold);
        Assert.True(pipeline.Threshold > alone + 0.1f, $"{pipeline.Threshold} with 300 people against {alone} with one");
        Assert.Equal(0.5f, Create(new RecognitionOptions { MatchThreshold = 0.5f }).Threshold);
    }

    [Fact]
    public void A_stranger_is_called_unknown_once()
    {
        Enrol("bob", 1);
        var pipeline = Create();

        var decisions = Play(pipeline, DoorFrames.Around(_photo, _photoFaces[0]), frames: 12);

        var decision = Assert.Single(decisions);
        Assert.Equal(DecisionKind.Unknown, decision.Kind);
        Assert.Null(decision.PersonId);

        // Bob's photo looks somewhat like this stranger (not far enough below the threshold to be clear-cut), so
        // the face is called unknown by the full vote.
        Assert.Equal(4, decision.Votes);
    }

    [Fact]
    public void Leaving_and_coming_back_after_the_track_timeout_gives_a_second_decision()
    {
        Enrol("alice", 0);
        var pipeline = Create();
        var face = DoorFrames.Around(_photo, _photoFaces[0]);
        var empty = new RgbImage(640, 480);

        var decisions = Play(pipeline, face, frames: 5);
        decisions.AddRange(Play(pipeline, empty, frames: 20));
        decisions.AddRange(Play(pipeline, face, frames: 5));

        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.Equal("alice", d.PersonId));
        Assert.NotEqual(decisions[0].TrackId, decisions[1].TrackId);
    }

    [Fact]
    public void Blurred_and_distant_faces_are_never_voted_on()
    {
        Enrol("alice", 0);
        var options = new RecognitionOptions();
        var blurred = DoorFrames.Around(_photo, _photoFaces[0], blurRadius: 4);
        var far = DoorFrames.Around(_photo, _photoFaces[0], faceShareOfWidth: 0.07f);

        var pipeline = Create(options);
        Assert.Empty(Play(pipeline, blurred, frames: 15));
        Assert.Empty(Play(pipeline, far, frames: 15));
        Assert.Equal(pipeline.Stats.FacesSeen, pipeline.Stats.FacesRejectedByQuality);
        Assert.True(pipeline.Stats.FacesSeen >= 15, $"{pipeline.Stats.FacesSeen} faces seen");
    }

    [Fact]
    public void Sharpness_separates_a_sharp_crop_from_a_blurred_one()
    {
        var sharp = SharpnessOf(DoorFrames.Around(_photo, _photoFaces[0]));
        var blurred = SharpnessOf(DoorFrames.Around(_photo, _photoFaces[0], blurRadius: 4));
        Assert.True(sharp > new RecognitionOptions().MinSharpness, $"sharp {sharp}");
        Assert.True(blurred < new RecognitionOptions().MinSharpness, $"blurred {blurred}");
    }

    [Fact]
    public void A_masked_face_at_the_door_is_matched_with_its_mirror_image_from_the_second_frame_on_when_the_manifest_says_so()
    {
        var manifest = TestAssets.Manifest.WithEmbedder("int8", e => e with { Mirror = MirrorPolicy.Masked });
        using var analyzer = new FaceAnalyzer(manifest, "int8");
        var gallery = new FaceGallery(analyzer.Embedder.Dimensions);
        gallery.Add("alice", analyzer.EmbedTemplate(_photo, _photoFaces[0]));
        foreach (var template in MaskedTemplates.Embed(analyzer.Embedder, _photo, _photoFaces[0]))
        {
            gallery.Add("alice", template, masked: true);
        }

        var painted = _photo.Clone();
        SyntheticMask.Paint(painted, _photoFaces[0], SyntheticMaskStyle.FromSeed(7));
        var frame = DoorFrames.Around(painted, _photoFaces[0]);
        var pipeline = new RecognitionPipeline(analyzer.Detector, analyzer.Embedder, gallery, new RecognitionOptions(), _time);

        var decision = Assert.Single(Play(pipeline, frame, frames: 10));

        var seen = new List<DetectedFace>();
        analyzer.Detector.Detect(frame, seen);
        var asMirrored = gallery.Match(analyzer.Embed(frame, seen[0], mirrored: true), masked: true).Score;
        var asPlain = gallery.Match(analyzer.Embed(frame, seen[0]), masked: true).Score;
        Assert.Equal("alice", decision.PersonId);
        Assert.NotEqual(asPlain, asMirrored, 3);

        // The first frame has one view; every later one pairs its view with the last frame's other view, which on
        // a still face is the face with its mirror image (batch sizes differ: equal to a few ulps of the cosine).
        Assert.True(decision.Votes >= 2, $"{decision.Votes} votes");
        Assert.Equal((asPlain + ((decision.Votes - 1) * asMirrored)) / decision.Votes, decision.Confidence, 4);
    }

    private float SharpnessOf(RgbImage frame)
    {
        var face = _analyzer.FindCentralFace(frame) ?? throw new InvalidOperationException("no face");
        var tensor = new float[112 * 112 * 3];
        _analyzer.Embedder.Aligner.AlignInto(frame, face, tensor);
        return FaceQuality.Sharpness(tensor, 112, _analyzer.Embedder.Manifest.Normalization.Std);
    }

    private RecognitionPipeline Create(RecognitionOptions? options = null) =>
        new(_analyzer.Detector, _analyzer.Embedder, _gallery, options ?? new RecognitionOptions(), _time);

    private void Enrol(string person, int faceIndex) => _gallery.Add(person, _analyzer.Embed(_photo, _photoFaces[faceIndex]));

    private List<FaceDecision> Play(RecognitionPipeline pipeline, RgbImage image, int frames)
    {
        var decisions = new List<FaceDecision>();
        for (var i = 0; i < frames; i++)
        {
            using var frame = Frame.Wrap(image);
            frame.CapturedAt = _time.GetUtcNow();
            pipeline.Process(frame, decisions);
            _time.Advance(FrameInterval);
        }

        return decisions;
    }

    public void Dispose() => _analyzer.Dispose();
}
