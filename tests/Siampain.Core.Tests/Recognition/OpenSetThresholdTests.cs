using System.Text.Json.Nodes;
using Siampain.Models;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Recognition;

/// <summary>The bar a match must clear rises with the number of people enrolled, as the manifest's 1:N operating points say.</summary>
public sealed class OpenSetThresholdTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-openset-").FullName;

    // One-person threshold 0.40, masked 0.45 (no masked curve); measured: 0.46 at 10 people, 0.52 at 100, 0.58 at 1,000.
    private static readonly EmbedderManifest Embedder = TestAssets.Manifest.Embedder("int8") with
    {
        IdentificationThreshold = 0.40f,
        Masked = TestAssets.Manifest.Embedder("int8").Masked! with { IdentificationThreshold = 0.45f, OpenSet = null },
        OpenSet = new OpenSetManifest
        {
            FalseAlarmRate = 0.01,
            FittedOn = "test",
            Points = [new(10, 0.46f), new(100, 0.52f), new(1000, 0.58f)],
        },
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(0, 0.40f)]
    [InlineData(1, 0.40f)]
    [InlineData(10, 0.46f)]
    [InlineData(100, 0.52f)]
    [InlineData(1000, 0.58f)]
    [InlineData(10000, 0.64f)] // beyond the largest gallery measured, the last stretch carries on
    public void At_a_measured_size_the_bar_is_the_measured_one(int people, float expected)
    {
        Assert.Equal(expected, MatchThresholds.From(Embedder, galleryPeople: people).Unmasked, 5);
    }

    [Fact]
    public void Between_two_sizes_it_follows_the_logarithm_of_the_size()
    {
        // 31.6 people is halfway from 10 to 100 on a log scale; 3.16 halfway from 1 to 10.
        Assert.Equal(0.49f, MatchThresholds.From(Embedder, galleryPeople: 32).Unmasked, 2);
        Assert.Equal(0.43f, MatchThresholds.From(Embedder, galleryPeople: 3).Unmasked, 2);
        var sizes = Enumerable.Range(1, 2000).Select(n => MatchThresholds.From(Embedder, galleryPeople: n).Unmasked).ToArray();
        Assert.Equal(sizes.Order(), sizes);
    }

    [Fact]
    public void The_masked_bar_rises_by_as_much_as_the_unmasked_one()
    {
        var thresholds = MatchThresholds.From(Embedder, galleryPeople: 100);

        Assert.Equal(0.52f + 0.05f, thresholds.Masked, 5);
    }

    [Fact]
    public void With_a_curve_of_its_own_the_masked_bar_follows_it()
    {
        // Masked strangers measured: 0.48 at 10 people, 0.53 at 100 (the unmasked curve moved up would say 0.51, 0.57).
        var embedder = Embedder with { Masked = Embedder.Masked! with { OpenSet = Embedder.OpenSet! with { Points = [new(10, 0.48f), new(100, 0.53f)] } } };

        Assert.Equal(0.48f, MatchThresholds.From(embedder, galleryPeople: 10).Masked, 5);
        Assert.Equal(0.53f, MatchThresholds.From(embedder, galleryPeople: 100).Masked, 5);
        Assert.Equal(0.45f, MatchThresholds.From(embedder, galleryPeople: 1).Masked, 5);
        Assert.Equal(0.52f, MatchThresholds.From(embedder, galleryPeople: 100).Unmasked, 5);

        // A configured bar is a site's own choice at any size: the masked one keeps its distance from it.
        Assert.Equal(0.55f, MatchThresholds.From(embedder, configured: 0.5f, galleryPeople: 100).Masked, 5);
    }

    [Fact]
    public void A_configured_threshold_holds_at_any_gallery_size()
    {
        var thresholds = MatchThresholds.From(Embedder, configured: 0.5f, galleryPeople: 1000);

        Assert.Equal(0.5f, thresholds.Unmasked);
        Assert.Equal(0.55f, thresholds.Masked, 5);
    }

    [Fact]
    public void A_last_stretch_that_falls_does_not_lower_the_bar_beyond_it()
    {
        var falling = Embedder with { OpenSet = Embedder.OpenSet! with { Points = [new(10, 0.50f), new(100, 0.49f)] } };

        Assert.Equal(0.49f, MatchThresholds.From(falling, galleryPeople: 1000).Unmasked, 5);
    }

    [Fact]
    public void A_measured_bar_below_the_one_person_threshold_never_lowers_it()
    {
        var lenient = Embedder with { OpenSet = Embedder.OpenSet! with { Points = [new(10, 0.30f)] } };

        Assert.Equal(0.40f, MatchThresholds.From(lenient, galleryPeople: 10).Unmasked);
    }

    [Fact]
    public void Without_measured_points_every_size_gets_the_one_person_threshold()
    {
        Assert.Equal(0.40f, MatchThresholds.From(Embedder with { OpenSet = null }, galleryPeople: 500).Unmasked);
    }

    [Fact]
    public void The_committed_manifest_raises_the_bar_for_every_embedder()
    {
        foreach (var (name, embedder) in TestAssets.Manifest.Embedders)
        {
            var single = MatchThresholds.From(embedder).Unmasked;
            var large = MatchThresholds.From(embedder, galleryPeople: 500).Unmasked;
            Assert.True(large > single + 0.1f, $"{name}: {large} at 500 people against {single} for one");
        }
    }

    [Fact]
    public void The_committed_manifest_measures_the_masked_bar_on_masked_strangers()
    {
        foreach (var (name, embedder) in TestAssets.Manifest.Embedders.Where(e => e.Value.Masked is not null))
        {
            Assert.True(embedder.Masked!.OpenSet is { Points.Length: > 0 }, $"{name}: no masked open-set points");
            var single = MatchThresholds.From(embedder).Masked;
            var large = MatchThresholds.From(embedder, galleryPeople: 500).Masked;
            Assert.True(large > single + 0.1f, $"{name}: masked {large} at 500 people against {single} for one");
        }
    }

    [Fact]
    public void A_damaged_masked_open_set_section_is_refused_by_its_own_name()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestAssets.ModelsFolder, ModelManifest.FileName)))!;
        json["embedders"]!["int8"]!["masked"]!["openSet"]!["points"] = JsonNode.Parse("[{\"people\": 10, \"threshold\": 1.5}]");
        File.WriteAllText(Path.Combine(_folder, ModelManifest.FileName), json.ToJsonString());

        var error = Assert.Throws<ModelException>(() => ModelManifest.Load(_folder));

        Assert.Contains("embedder 'int8': masked.openSet.points[0].threshold is 1.5; a cosine threshold must lie in [-1, 1]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "openSet has no 'points'")]
    [InlineData("[{\"people\": 100, \"threshold\": 0.5}, {\"people\": 10, \"threshold\": 0.45}]", "openSet.points[1].people is 10; gallery sizes must be whole numbers from 2, in increasing order")]
    [InlineData("[{\"people\": 1, \"threshold\": 0.5}]", "openSet.points[0].people is 1")]
    [InlineData("[{\"people\": 10, \"threshold\": 1.5}]", "openSet.points[0].threshold is 1.5; a cosine threshold must lie in [-1, 1]")]
    public void A_damaged_open_set_section_is_refused_naming_the_file(string points, string expected)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestAssets.ModelsFolder, ModelManifest.FileName)))!;
        json["embedders"]!["int8"]!["openSet"]!["points"] = JsonNode.Parse(points);
        File.WriteAllText(Path.Combine(_folder, ModelManifest.FileName), json.ToJsonString());

        var error = Assert.Throws<ModelException>(() => ModelManifest.Load(_folder));

        Assert.Contains(Path.Combine(_folder, ModelManifest.FileName), error.Message, StringComparison.Ordinal);
        Assert.Contains($"embedder 'int8': {expected}", error.Message, StringComparison.Ordinal);
    }
}
