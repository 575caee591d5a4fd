using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Benchmarks;

/// <summary>
/// What mask handling adds per face at the door: the mask classifier (one dot product on the embedding the
/// terminal computes anyway) and the 1:N search with masked templates (one unmasked and three painted per person).
/// Painting masks happens at enrolment, never per frame, so it is not here.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MaskBenchmarks
{
    private FaceGallery _gallery = null!;
    private MaskClassifier _classifier = null!;
    private float[] _probe = null!;

    [Params(100, 1_000)]
    public int People { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var manifest = TestAssets.Manifest.Embedder("int8");
        _classifier = MaskClassifier.For(manifest) ?? throw new InvalidOperationException("The manifest has no mask classifier.");
        var random = new Random(42);
        _gallery = new FaceGallery(manifest.Dimensions, People * (1 + MaskedTemplates.Count), _classifier);
        for (var person = 0; person < People; person++)
        {
            _gallery.Add($"person-{person}", RandomUnit(random));
            for (var i = 0; i < MaskedTemplates.Count; i++)
            {
                _gallery.Add($"person-{person}", RandomUnit(random), masked: true);
            }
        }

        _probe = RandomUnit(random);
    }

    [Benchmark(Description = "mask classifier")]
    public bool Classify() => _classifier.IsMasked(_probe);

    [Benchmark(Description = "1:N, all templates (no mask handling)")]
    public float MatchAll() => _gallery.Match(_probe, TemplateFilter.All).Score;

    [Benchmark(Description = "1:N, masked templates only")]
    public float MatchMasked() => _gallery.Match(_probe, TemplateFilter.Masked).Score;

    [Benchmark(Description = "1:N as the terminal runs it (classifier, then the templates it picks)")]
    public float MatchRuntime() => _gallery.Match(_probe).Score;

    private static float[] RandomUnit(Random random)
    {
        var v = new float[192];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
