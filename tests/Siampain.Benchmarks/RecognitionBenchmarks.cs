using BenchmarkDotNet.Attributes;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Benchmarks;

/// <summary>Per-stage costs of recognising one face at the door (640x480 frame, face a third of its width).</summary>
[MemoryDiagnoser]
[MedianColumn]
public class RecognitionBenchmarks : IDisposable
{
    private RgbImage _frame = null!;
    private byte[] _portraitJpeg = null!;
    private FaceAnalyzer _analyzer = null!;
    private DetectedFace[] _face = null!;
    private readonly List<DetectedFace> _faces = [];
    private readonly float[] _tensor = new float[112 * 112 * 3];
    private readonly float[] _detectorInput = new float[128 * 128 * 3];
    private readonly SquareResampler _resampler = new(128);
    private readonly float[] _embedding = new float[192];

    [Params("int8", "fp32")]
    public string Embedder { get; set; } = "int8";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var photo = TestAssets.LoadSample(3);
        var face = DoorFrames.FacesOf(photo)[0];
        _frame = DoorFrames.Around(photo, face, 640, 480, faceShareOfWidth: 0.33f);
        var portrait = DoorFrames.Around(photo, face, 250, 250, faceShareOfWidth: 0.4f);
        var path = Path.GetTempFileName();
        ImageFile.SaveJpeg(portrait, path);
        _portraitJpeg = File.ReadAllBytes(path);
        File.Delete(path);
        _analyzer = new FaceAnalyzer(TestAssets.Manifest, Embedder, Threads);
        _analyzer.Detector.Detect(_frame, _faces);
        _face = [_faces[0]];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _analyzer.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "detect 640x480")]
    public int Detect()
    {
        _analyzer.Detector.Detect(_frame, _faces);
        return _faces.Count;
    }

    [Benchmark(Description = "resample 640x480 into the 128x128 detector input")]
    public float Resample()
    {
        _resampler.Resample(_frame, SquareWindow.Letterbox(_frame.Width, _frame.Height), _detectorInput, _analyzer.Manifest.Detector.Normalization);
        return _detectorInput[0];
    }

    [Benchmark(Description = "align into tensor")]
    public float Align()
    {
        _analyzer.Embedder.Aligner.AlignInto(_frame, _face[0], _tensor);
        return _tensor[0];
    }

    [Benchmark(Description = "align + embed 1 face")]
    public float Embed()
    {
        _analyzer.Embedder.Embed(_frame, _face, _embedding);
        return _embedding[0];
    }

    [Benchmark(Description = "whole 250x250 JPEG: decode, detect, align, embed")]
    public float WholePortrait()
    {
        var image = ImageFile.Decode(_portraitJpeg, "portrait");
        var face = _analyzer.FindCentralFace(image) ?? throw new InvalidOperationException("no face");
        _analyzer.Embedder.Embed(image, [face], _embedding);
        return _embedding[0];
    }
}
