using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Benchmarks;

/// <summary>
/// What mask handling adds per face at the door: the mask classifier on the aligned crop (before the embedder
/// runs) and the 1:N search of a masked probe, which fuses each person's best unmasked and best masked template
/// (one unmasked and three painted templates a person). Painting masks happens at enrolment, never per frame.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MaskBenchmarks
{
    private FaceGallery _gallery = null!;
    private MaskClassifier _classifier = null!;
    private float[] _probe = null!;
    private float[] _crop = null!;
    private int _size;

    [Params(100, 1_000)]
    public int People { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8");
        var manifest = analyzer.Embedder.Manifest;
        _classifier = MaskClassifier.For(manifest) ?? throw new InvalidOperationException("The manifest has no mask classifier.");
        var photo = TestAssets.LoadSample(3);
        _size = analyzer.Embedder.Aligner.Size;
        _crop = new float[_size * _size * 3];
        analyzer.Embedder.Aligner.AlignInto(photo, DoorFrames.FacesOf(photo)[0], _crop);

        var random = new Random(42);
        _gallery = new FaceGallery(manifest.Dimensions, People * (1 + MaskedTemplates.Count));
        for (var person = 0; person < People; person++)
        {
            _gallery.Add($"person-{person}", RandomEmbeddings.Unit(random));
            for (var i = 0; i < MaskedTemplates.Count; i++)
            {
                _gallery.Add($"person-{person}", RandomEmbeddings.Unit(random), masked: true);
            }
        }

        _probe = RandomEmbeddings.Unit(random);
    }

    [Benchmark(Description = "mask classifier (crop statistics)")]
    public bool Classify() => _classifier.IsMaskedCrop(_crop, _size);

    [Benchmark(Description = "1:N, unmasked probe (all templates)")]
    public float MatchUnmasked() => _gallery.Match(_probe, masked: false).Score;

    [Benchmark(Description = "1:N, masked probe (fused templates)")]
    public float MatchMasked() => _gallery.Match(_probe, masked: true).Score;
}
