using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Benchmarks;

/// <summary>
/// What mask handling adds per face at the door: the mask classifier on the aligned crop (before the embedder
/// runs), the mirror image the masked embedder uses for a masked face (at the door, every other frame of a masked
/// track embeds the mirror image instead of the face and pairs it with the last frame's view: against the face
/// embedded alone, the difference is the cost; enrolment and evaluation embed both views in one batch, also
/// measured), and the 1:N search of a masked probe,
/// which fuses each person's best unmasked and best masked template (one unmasked and three painted templates a
/// person). Painting masks happens at enrolment, never per frame. The embedder rows do not depend on the gallery
/// size; one ONNX Runtime thread, as the terminal runs.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MaskBenchmarks : IDisposable
{
    private FaceAnalyzer _analyzer = null!;
    private float[] _embedding = null!;
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
        _analyzer = new FaceAnalyzer(TestAssets.Manifest, "distilled-int8");
        var manifest = _analyzer.Embedder.Manifest;
        _classifier = MaskClassifier.For(manifest) ?? throw new InvalidOperationException("The manifest has no mask classifier.");
        var photo = TestAssets.LoadSample(3);
        _size = _analyzer.Embedder.Aligner.Size;
        _crop = new float[_size * _size * 3];
        _analyzer.Embedder.Aligner.AlignInto(photo, DoorFrames.FacesOf(photo)[0], _crop);
        _embedding = new float[manifest.Dimensions];

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

    [GlobalCleanup]
    public void Dispose()
    {
        _analyzer.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "mask classifier (crop statistics)")]
    public bool Classify() => _classifier.IsMaskedCrop(_crop, _size);

    [Benchmark(Description = "embed one aligned face")]
    public float Embed() => EmbedCrop(mirrored: false);

    [Benchmark(Description = "embed one aligned face with its mirror image (masked)")]
    public float EmbedMirrored() => EmbedCrop(mirrored: true);

    [Benchmark(Description = "embed the mirror image alone and pair it with the last frame's view (masked, at the door)")]
    public float EmbedMirrorViewAndPair()
    {
        _crop.CopyTo(_analyzer.Embedder.Slot(0));
        _analyzer.Embedder.MirrorSlot(0);
        _analyzer.Embedder.EmbedSlots(1, _embedding);
        FaceEmbedder.CombineViews(_embedding, _probe, _embedding);
        return _embedding[0];
    }

    [Benchmark(Description = "1:N, unmasked probe (all templates)")]
    public float MatchUnmasked() => _gallery.Match(_probe, masked: false).Score;

    [Benchmark(Description = "1:N, masked probe (fused templates)")]
    public float MatchMasked() => _gallery.Match(_probe, masked: true).Score;

    private float EmbedCrop(bool mirrored)
    {
        _crop.CopyTo(_analyzer.Embedder.Slot(0));
        _analyzer.Embedder.EmbedSlots(1, _embedding, [mirrored]);
        return _embedding[0];
    }
}
