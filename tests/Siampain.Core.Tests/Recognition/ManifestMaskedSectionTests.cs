using System.Text.Json.Nodes;
using Siampain.Models;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Recognition;

/// <summary>A manifest whose mask handling (masked section, mirror policy) is damaged is refused at load, naming the file, the embedder and the key.</summary>
public sealed class ManifestMaskedSectionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-manifest-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_committed_manifest_loads_with_its_masked_section()
    {
        var masked = TestAssets.Manifest.Embedder("int8").Masked;

        Assert.NotNull(masked);
        Assert.InRange(masked.IdentificationThreshold, -1f, 1f);
        Assert.InRange(masked.Classifier.HeldOutAccuracy, 0.5, 1.0);
    }

    [Theory]
    [InlineData("identificationThreshold", 1.5, "embedder 'int8': masked.identificationThreshold is 1.5; a cosine threshold must lie in [-1, 1]")]
    [InlineData("verificationThreshold", -3, "embedder 'int8': masked.verificationThreshold is -3; a cosine threshold must lie in [-1, 1]")]
    public void A_masked_threshold_outside_the_cosine_range_is_refused(string key, double value, string expected)
    {
        var error = Assert.Throws<ModelException>(() => LoadEdited(masked => masked[key] = value));

        Assert.Contains(Path.Combine(_folder, ModelManifest.FileName), error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_classifier_of_the_wrong_width_is_refused()
    {
        var error = Assert.Throws<ModelException>(() => LoadEdited(masked => masked["classifier"]!["weights"] = new JsonArray(1f, 2f, 3f)));

        Assert.Contains("embedder 'int8': masked.classifier.weights has 3 values; the mask classifier reads 16 crop features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_masked_section_without_a_classifier_is_refused()
    {
        var error = Assert.Throws<ModelException>(() => LoadEdited(masked => masked.Remove("classifier")));

        Assert.Contains("classifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mirror_policy_is_read_and_left_out_when_none()
    {
        var loaded = LoadEditedEmbedder(int8 => int8["mirror"] = "masked");
        Assert.Equal(MirrorPolicy.Masked, loaded.Embedder("int8").Mirror);
        Assert.Equal(MirrorPolicy.None, loaded.Embedder("fp32").Mirror);

        loaded.Save(_folder);
        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, ModelManifest.FileName)))!["embedders"]!;
        Assert.Equal("masked", saved["int8"]!["mirror"]!.GetValue<string>());
        Assert.Null(saved["fp32"]!["mirror"]);
    }

    [Theory]
    [InlineData("\"sometimes\"")]
    [InlineData("1")]
    public void An_unknown_mirror_policy_is_refused_naming_the_file(string value)
    {
        var error = Assert.Throws<ModelException>(() => LoadEditedEmbedder(int8 => int8["mirror"] = JsonNode.Parse(value)));

        Assert.Contains(Path.Combine(_folder, ModelManifest.FileName), error.Message, StringComparison.Ordinal);
        Assert.Contains("mirror", error.Message, StringComparison.Ordinal);
    }

    private ModelManifest LoadEdited(Action<JsonObject> editMasked) => LoadEditedEmbedder(int8 => editMasked(int8["masked"]!.AsObject()));

    private ModelManifest LoadEditedEmbedder(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestAssets.ModelsFolder, ModelManifest.FileName)))!;
        edit(json["embedders"]!["int8"]!.AsObject());
        File.WriteAllText(Path.Combine(_folder, ModelManifest.FileName), json.ToJsonString());
        return ModelManifest.Load(_folder);
    }
}
