using Siampain.Tests.Infrastructure;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Siampain.Recognition;

namespace Siampain.Benchmarks;

/// <summary>1:N search cost against galleries of 100, 1,000 and 10,000 templates (192-d).</summary>
[MemoryDiagnoser]
[MedianColumn]
public class GalleryBenchmarks
{
    private FaceGallery _gallery = null!;
    private float[] _probe = null!;

    [Params(100, 1_000, 10_000)]
    public int Templates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _gallery = new FaceGallery(192, Templates);
        for (var i = 0; i < Templates; i++)
        {
            // Three templates a person, as with masked and unmasked enrolment.
            _gallery.Add($"person-{i / 3}", RandomEmbeddings.Unit(random));
        }

        _probe = RandomEmbeddings.Unit(random);
    }

    [Benchmark(Description = "1:N match")]
    public float Match() => _gallery.Match(_probe).Score;
}
