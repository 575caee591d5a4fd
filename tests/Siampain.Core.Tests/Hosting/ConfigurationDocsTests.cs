using System.Text.Json.Nodes;
using Siampain.Hosting;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Hosting;

/// <summary>docs/configuration.md and the example file stay true to the options classes.</summary>
public sealed class ConfigurationDocsTests
{
    private static string Docs => File.ReadAllText(Path.Combine(TestAssets.RepositoryRoot, "docs", "configuration.md"));

    [Fact]
    public void Every_key_is_documented_with_its_default_and_allowed_values()
    {
        var docs = Docs;
        var missing = new List<string>();
        foreach (var section in OptionsCatalog.Sections)
        {
            if (!docs.Contains($"\n## {section.Name}\n", StringComparison.Ordinal))
            {
                missing.Add($"## {section.Name}");
            }

            foreach (var key in section.Keys)
            {
                var row = $"| `{key.Name}` | `{OptionsCatalog.DefaultOf(section, key)}` | {OptionsCatalog.Allowed(key)} |";
                if (!docs.Contains(row, StringComparison.Ordinal))
                {
                    missing.Add($"{section.Name}: {row}");
                }
            }
        }

        Assert.True(missing.Count == 0, "docs/configuration.md lacks or misstates:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_example_file_holds_only_known_keys_and_passes_the_checks()
    {
        var path = Path.Combine(TestAssets.RepositoryRoot, "deploy", "siampain.example.json");
        var configuration = TerminalConfiguration.Load(path, [], environment: false);

        Assert.Empty(OptionsCatalog.Check(configuration));
        var sections = JsonNode.Parse(File.ReadAllText(path), documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        Assert.Equal(OptionsCatalog.Sections.Select(s => s.Name), sections.Select(s => s.Key).Where(k => k != "Logging"));
    }
}
