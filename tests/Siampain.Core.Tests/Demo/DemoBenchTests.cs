using System.Numerics;
using Siampain.Demo;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Demo;

public sealed class DemoBenchTests
{
    [Fact]
    public void Every_face_of_a_group_frame_is_found_and_embedded_in_every_frame()
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8");
        var people = DemoPeople.FromGroupPhotos(TestAssets.SamplePhotoPaths, analyzer);
        var plain = new PassageLook(false, 0, 0, 1, 0, 0, null, true);
        var passages = people.Take(3).Select((p, i) => new DemoPassage(i, p, DemoRole.Present, default, p.DoorViews[0], plain)).ToList();
        var frame = new DemoRenderer(new DemoClipOptions()).Group(
            [(passages[0], new Vector2(120, 220), 110), (passages[1], new Vector2(320, 190), 120), (passages[2], new Vector2(520, 220), 110)]);
        var gallery = new FaceGallery(analyzer.Embedder.Dimensions);
        var busy = new RecognitionOptions { VotesToRecognise = 30, VotesToReject = 60, ConfidentVotesToRecognise = 30, ConfidentVotesToReject = 60, MaxVotes = 120 };
        var pipelines = new List<RecognitionPipeline>();

        var cost = DemoBench.Measure(() =>
        {
            pipelines.Add(new RecognitionPipeline(analyzer.Detector, analyzer.Embedder, gallery, busy, TimeProvider.System));
            return pipelines[^1];
        }, frame, TimeSpan.FromMilliseconds(500), pipelineLife: 2);

        Assert.Equal(3, cost.FacesPerFrame);
        Assert.True(cost.Milliseconds.Count >= 1);
        Assert.All(pipelines, p => Assert.Equal(0, p.Stats.Decisions));
        Assert.All(pipelines, p => Assert.Equal(0, p.Stats.FacesRejectedByQuality));
    }
}
