using System.Numerics;
using BenchmarkDotNet.Attributes;
using Siampain.Camera;
using Siampain.Demo;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Benchmarks;

/// <summary>
/// One 640x480 frame through the whole recognition pipeline (detect, gate, align, embed, match, track, vote) with
/// 0, 1 and 3 faces, one ONNX Runtime thread, every face embedded (no track ever decides). Frames are the demo's
/// renders of registry faces. `siampain bench fps` measures the same on a board, without BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PipelineBenchmarks : IDisposable
{
    private static readonly TimeSpan FrameInterval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 15);
    private static readonly RecognitionOptions Busy = new() { VotesToRecognise = 30, VotesToReject = 60, ConfidentVotesToRecognise = 30, ConfidentVotesToReject = 60, MaxVotes = 120 };

    private readonly List<FaceDecision> _decisions = [];
    private FaceAnalyzer _analyzer = null!;
    private FaceGallery _gallery = null!;
    private Frame _frame = null!;
    private RecognitionPipeline _pipeline = null!;
    private int _frames;

    [Params(0, 1, 3)]
    public int Faces { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8", threads: 1);
        var folder = Path.Combine(Packages.PackageCache.Default().Get(Packages.PinnedPackage.FaceApi), "demo");
        var people = DemoPeople.FromGroupPhotos(Directory.GetFiles(folder, "sample*.jpg").Order(StringComparer.Ordinal), _analyzer);
        _gallery = new FaceGallery(_analyzer.Embedder.Dimensions);
        foreach (var person in people)
        {
            _gallery.Add(person.Id, _analyzer.Embed(person.DoorViews[0].Photo, person.DoorViews[0].Face));
        }

        var plain = new PassageLook(false, 0, 0, 1, 0, 0, null, true);
        var passages = people.Take(3).Select((p, i) => new DemoPassage(i, p, DemoRole.Present, default, p.DoorViews[0], plain)).ToList();
        var layout = Faces switch
        {
            0 => [],
            1 => new List<(DemoPassage, Vector2, float)> { (passages[0], new Vector2(320, 200), 170) },
            _ => [(passages[0], new Vector2(120, 220), 110), (passages[1], new Vector2(320, 190), 120), (passages[2], new Vector2(520, 220), 110)],
        };
        _frame = Frame.Wrap(new DemoRenderer(new DemoClipOptions()).Group(layout));
        _pipeline = NewPipeline();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _frame.Dispose();
        _analyzer.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "pipeline, one 640x480 frame")]
    public int Process()
    {
        // A new pipeline now and then keeps every track undecided, so every face is embedded in every frame.
        if (++_frames % 25 == 0)
        {
            _pipeline = NewPipeline();
        }

        _frame.CapturedAt += FrameInterval;
        _decisions.Clear();
        _pipeline.Process(_frame, _decisions);
        return _decisions.Count;
    }

    private RecognitionPipeline NewPipeline() => new(_analyzer.Detector, _analyzer.Embedder, _gallery, Busy, TimeProvider.System);
}
