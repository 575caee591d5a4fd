using System.CommandLine;
using Siampain.Evaluation;
using Siampain.Masking;
using Siampain.Models;
using Siampain.Recognition;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>`siampain eval`: accuracy on public benchmarks, with the data folder given as an argument.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var eval = new Command("eval", "Measure recognition accuracy on public face data sets");
        eval.Subcommands.Add(Verification("lfw", "LFW official 6,000 pairs, 10-fold: accuracy, TAR at FAR 1e-3/1e-2, ROC (JSON + PNG)", masked: false));
        eval.Subcommands.Add(Verification("masked-lfw", "The same pairs with a mask template painted on the second image (or both, --both): every matching strategy, and the mask classifier", masked: true));
        eval.Subcommands.Add(Identification("identify", "1:N identification: rank-1, and open-set rate at 1% false alarms with 20% of identities held out as strangers", masked: false));
        eval.Subcommands.Add(Identification("masked-identification", "1:N with unmasked enrolment photos and masked probes (people with two or more photos): rank-1 and open-set at 1% false alarms per strategy", masked: true));
        return eval;
    }

    private static readonly Option<DirectoryInfo> Out = new("--out")
    {
        Description = "Folder for the JSON reports and plots",
        DefaultValueFactory = _ => new DirectoryInfo("eval-results"),
    };

    private static readonly Option<DirectoryInfo?> Masks = new("--masks")
    {
        Description = "Folder of mask templates (masks.cfg + templates/*.png)",
    };

    private static readonly Option<DirectoryInfo?> Cache = new("--cache")
    {
        Description = "Folder keeping the embeddings between runs (per condition and model), so strategies can be compared without embedding again",
    };

    private static readonly Option<LfwFolds?> Folds = new("--folds")
    {
        Description = "LFW only: the pairs (verification) or the people (identification) of these folds of pairs.txt, e.g. 6-10 (counting from 1). Folds share no person: for a model tuned on the people of the other folds",
        CustomParser = ParseFolds,
    };

    private static readonly Option<MirrorPolicy?> Mirror = new("--mirror")
    {
        Description = "Embed faces with their mirror image as this policy says (none, masked, all) instead of as the manifest says; --write-manifest stores the policy with the thresholds",
    };

    /// <summary>The manifest with <paramref name="variant"/>'s mirror policy replaced by --mirror, when given (nothing is written).</summary>
    private static ModelManifest WithMirror(ModelManifest manifest, string? variant, MirrorPolicy? mirror) =>
        mirror is { } policy ? manifest.WithEmbedder(variant, e => e with { Mirror = policy }) : manifest;

    private static Command Verification(string name, string description, bool masked)
    {
        var data = new Argument<DirectoryInfo>("lfw-folder") { Description = "LFW folder holding pairs.txt and one folder per person" };
        var embedders = new Option<string[]>("--embedders")
        {
            Description = "Embedder variants to evaluate, one report each",
            DefaultValueFactory = _ => ["fp32", "int8"],
            AllowMultipleArgumentsPerToken = true,
        };
        var writeManifest = new Option<bool>("--write-manifest")
        {
            Description = masked
                ? "Store the mask classifier and the masked thresholds (of the runtime strategy, one image masked) in the manifest"
                : "Store the verification threshold and the fitted head in the manifest",
        };
        var both = new Option<bool>("--both") { Description = "Mask both images of each pair, with different templates" };
        var command = new Command(name, description) { data, embedders, Out, Cache, writeManifest, Folds, Mirror, CommonOptions.Models, CommonOptions.Threads };
        if (masked)
        {
            command.Options.Add(Masks);
            command.Options.Add(both);
        }

        command.SetAction(result =>
        {
            var manifest = CommonOptions.LoadManifest(result);
            var outFolder = result.GetValue(Out)!.FullName;
            var cache = result.GetValue(Cache)?.FullName;
            var reports = new List<VerificationReport>();
            var classifiers = new List<(string Variant, string Kind, MaskClassifierReport Report)>();
            var bothMasked = masked && result.GetValue(both);
            if (bothMasked && result.GetValue(writeManifest))
            {
                throw new ArgumentException("--write-manifest takes its thresholds from the one-masked protocol; run it without --both.");
            }

            // With --folds the manifest's values are fitted on those folds alone: the people a model tuned on the
            // other folds never saw.
            var selectedFolds = result.GetValue(Folds);
            var masks = masked ? LoadMasks(result) : null;
            foreach (var variant in result.GetValue(embedders)!)
            {
                using var analyzer = new FaceAnalyzer(WithMirror(manifest, variant, result.GetValue(Mirror)), variant, result.GetValue(CommonOptions.Threads));
                if (masks is null)
                {
                    var report = WithProgress($"{name} {variant}", progress => LfwEvaluation.Run(analyzer, result.GetValue(data)!.FullName, progress, cache, selectedFolds));
                    reports.Add(report);
                    ReportWriter.WriteJson(report, Path.Combine(outFolder, $"{name}-{variant}.json"));
                    if (result.GetValue(writeManifest))
                    {
                        manifest = StoreOperatingPoint(manifest, variant, report, selectedFolds, analyzer.Embedder.Mirror);
                    }

                    continue;
                }

                var examples = 0;
                var examplesFolder = Path.Combine(outFolder, "masked-examples");
                void SaveExample(string image, Imaging.RgbImage pixels)
                {
                    // A dozen masked photos beside the report, so a reader can see what "masked" meant.
                    if (examples++ < 12)
                    {
                        Directory.CreateDirectory(examplesFolder);
                        Imaging.ImageFile.SaveJpeg(pixels, Path.Combine(examplesFolder, Path.GetFileName(image)));
                    }
                }

                var study = WithProgress($"{name} {variant}", progress => MaskedLfwEvaluation.Run(analyzer, result.GetValue(data)!.FullName, masks, bothMasked, progress, SaveExample, cache, selectedFolds));
                reports.AddRange(study.Strategies);
                classifiers.Add((variant, "crop statistics, shipped", study.Classifier));
                classifiers.Add((variant, "on the embedding, compared", study.EmbeddingClassifier));
                ReportWriter.WriteJson(study, Path.Combine(outFolder, $"{study.Protocol}-{variant}.json"));
                if (result.GetValue(writeManifest))
                {
                    manifest = StoreMaskedOperatingPoint(manifest, variant, study, analyzer.Embedder.Mirror);
                }
            }

            ReportWriter.WriteRocPlot(reports, Path.Combine(outFolder, $"{name}{(bothMasked ? "-both" : string.Empty)}-roc.png"));
            PrintVerification(reports);
            foreach (var (variant, kind, c) in classifiers)
            {
                AnsiConsole.MarkupLine($"mask classifier ({Markup.Escape(variant)}, {kind}): held-out accuracy [bold]{c.Accuracy * 100:F2}%[/] (unmasked {c.UnmaskedAccuracy * 100:F2}% of {c.HeldOutUnmasked}, masked with unseen templates {c.MaskedAccuracy * 100:F2}% of {c.HeldOutMasked}), fitted on {c.TrainingFaces} faces x 2");
            }

            AnsiConsole.MarkupLine($"Reports and ROC plot written to [bold]{Markup.Escape(outFolder)}[/]");
            return 0;
        });
        return command;
    }

    private static Command Identification(string name, string description, bool masked)
    {
        var data = new Argument<DirectoryInfo>("folder") { Description = "Identity-per-folder data set (ORL, LFW, ...) or Yale's flat layout" };
        var galleryPerPerson = new Option<int>("--gallery-per-person") { Description = "Photos enrolled per known person", DefaultValueFactory = _ => 1 };
        var splits = new Option<int>("--splits") { Description = "Random stranger/known splits to average", DefaultValueFactory = _ => 5 };
        var enrolled = new Option<int[]>("--enrolled")
        {
            Description = "Gallery sizes to score, e.g. 10 30 100: that many known people drawn at random per split, tried by the same strangers; default: every known person",
            AllowMultipleArgumentsPerToken = true,
        };
        enrolled.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int[]>()?.FirstOrDefault(n => n < 1, 1) is < 1 and var wrong)
            {
                r.AddError($"--enrolled {wrong}: a gallery holds at least one person.");
            }
        });
        var command = new Command(name, description)
        {
            data, galleryPerPerson, splits, enrolled, CommonOptions.Embedder, Out, Cache, Folds, Mirror, CommonOptions.Models, CommonOptions.Threads,
        };
        var writeManifest = new Option<bool>("--write-manifest")
        {
            Description = $"Store the threshold that lets at most {IdentificationEvaluation.FalseAlarmRate * 100:0.#}% of {(masked ? "masked strangers' photos matched as masked (the terminal's matching)" : "strangers' photos")} through at each gallery size ({string.Join(", ", IdentificationEvaluation.OperatingPointSizes)} and every known person, or the --enrolled sizes) in the manifest{(masked ? " (masked.openSet)" : string.Empty)}; the terminal raises its bar with its gallery",
        };
        command.Options.Add(writeManifest);
        if (masked)
        {
            command.Options.Add(Masks);
        }

        command.SetAction(result =>
        {
            var folder = result.GetValue(data)!;
            var masks = masked ? LoadMasks(result) : null;
            var manifest = CommonOptions.LoadManifest(result);
            var variant = result.GetValue(CommonOptions.Embedder);
            using var analyzer = new FaceAnalyzer(WithMirror(manifest, variant, result.GetValue(Mirror)), variant, result.GetValue(CommonOptions.Threads));
            var classifier = MaskClassifier.For(analyzer.Embedder.Manifest);
            var selectedFolds = result.GetValue(Folds);
            var people = selectedFolds is { } f ? LfwPairs.People(folder.FullName, f) : null;
            var store = result.GetValue(writeManifest);
            if (store && masked && classifier is null)
            {
                return CommandErrors.Report($"--write-manifest: embedder '{analyzer.Embedder.Variant}' has no mask handling in {Path.Combine(manifest.Folder, ModelManifest.FileName)}, so there is no masked bar to fit; run `eval masked-lfw --write-manifest` for it first.", CommandErrors.BadInput);
            }

            var sizes = result.GetValue(enrolled) is { Length: > 0 } given ? given : store ? IdentificationEvaluation.OperatingPointGalleries(folder.FullName, people) : null;
            var protocol = $"identify-{folder.Name}{(masks is null ? string.Empty : "-masked-probes")}{(selectedFolds is { } g ? $"-folds-{g}" : string.Empty)}";
            var settings = new IdentificationSettings
            {
                GalleryPerPerson = result.GetValue(galleryPerPerson),
                Splits = result.GetValue(splits),
                GallerySizes = sizes,
                ProbeMasks = masks,
                Classifier = classifier,
                CacheFolder = result.GetValue(Cache)?.FullName,
                People = people,
            };
            var reports = WithProgress(protocol, progress => IdentificationEvaluation.Run(analyzer, folder.FullName, protocol, settings, progress));
            ReportWriter.WriteJson(reports, Path.Combine(result.GetValue(Out)!.FullName, $"{protocol}-{analyzer.Embedder.Variant}.json"));
            var table = new Table().AddColumns("protocol", "model", "identities (known/strangers)", "rank-1", "open-set @1% FA", "threshold", "at the manifest's thresholds: strangers accepted / known identified / taken for someone else", "detector misses (fallback keypoints)");
            foreach (var report in reports)
            {
                var atManifest = report.AtManifestThresholds;
                table.AddRow(
                    report.Protocol,
                    report.Model,
                    $"{report.KnownIdentities}/{report.StrangerIdentities}",
                    $"{report.Rank1 * 100:F2}%",
                    $"{report.OpenSetRateAt1PercentFalseAlarm * 100:F2}%",
                    $"{report.OpenSetThreshold:F4}",
                    $"{atManifest.StrangersAccepted * 100:F2}% / {atManifest.KnownIdentified * 100:F2}% / {atManifest.KnownTakenForSomeoneElse * 100:F2}% ({atManifest.Unmasked:F4}{(masked ? $", masked {atManifest.Masked:F4}" : string.Empty)})",
                    $"{report.Images - report.Detected} of {report.Images} ({report.MissedUsedUnmaskedKeypoints} unmasked, {report.MissedUsedMeanKeypoints} mean)");
            }

            AnsiConsole.Write(table);
            if (store)
            {
                // Masked: the bar the terminal's matching needs, a threshold for the probes it matched as masked.
                var fitted = masked ? reports.Where(r => r.Protocol.EndsWith($"/{MaskedLfwEvaluation.RuntimeStrategy}", StringComparison.Ordinal)).ToList() : reports;
                var openSet = new OpenSetManifest
                {
                    FalseAlarmRate = IdentificationEvaluation.FalseAlarmRate,
                    FittedOn = $"{folder.Name}{(selectedFolds is { } h ? $", people of folds {h}" : string.Empty)}: {fitted[0].StrangerIdentities} strangers, {fitted[0].StrangerProbes} photos{(masked ? " wearing MaskTheFace templates" : string.Empty)}, {settings.Splits} splits, {settings.GalleryPerPerson} photo(s) enrolled per person",
                    // One person is the identification threshold's own case, which eval lfw / masked-lfw fits.
                    Points = [.. fitted.Where(r => r.KnownIdentities >= 2).Select(r => new OpenSetPoint(r.KnownIdentities, (float)Math.Round(r.OpenSetThreshold, 4))).DistinctBy(p => p.People).OrderBy(p => p.People)],
                };
                Store(manifest, analyzer.Embedder.Variant, e => masked ? e with { Masked = e.Masked! with { OpenSet = openSet } } : e with { OpenSet = openSet });
                AnsiConsole.MarkupLine($"Stored {openSet.Points.Length} {(masked ? "masked " : string.Empty)}open-set thresholds for [bold]{Markup.Escape(analyzer.Embedder.Variant)}[/] in {Markup.Escape(Path.Combine(manifest.Folder, ModelManifest.FileName))}");
            }

            if (masked && classifier is null)
            {
                AnsiConsole.MarkupLine("The manifest has no mask classifier (run `eval masked-lfw --write-manifest`): the runtime strategy was not scored.");
            }

            return 0;
        });
        return command;
    }

    private static LfwFolds? ParseFolds(System.CommandLine.Parsing.ArgumentResult result)
    {
        try
        {
            var range = LfwFolds.Parse(result.Tokens.Single().Value);
            return range.First < range.Last ? range : throw new ArgumentException($"--folds {range}: cross-validation needs at least two folds, e.g. 6-10.");
        }
        catch (ArgumentException e)
        {
            result.AddError(e.Message);
            return null;
        }
    }

    private static IReadOnlyList<MaskTemplate> LoadMasks(ParseResult result)
    {
        var folder = result.GetValue(Masks) ?? throw new ArgumentException("--masks is required: the folder holding masks.cfg and templates/");
        return MaskTemplate.LoadFolder(folder.FullName);
    }

    private static T WithProgress<T>(string label, Func<IProgress<(int Done, int Total)>, T> work)
    {
        if (Console.IsOutputRedirected)
        {
            return work(new Progress<(int Done, int Total)>(_ => { }));
        }

        return AnsiConsole.Progress().Start(context =>
        {
            var task = context.AddTask(label);
            return work(new SynchronousProgress<(int Done, int Total)>(p =>
            {
                task.MaxValue = p.Total;
                task.Value = p.Done;
            }));
        });
    }

    private static ModelManifest StoreOperatingPoint(ModelManifest manifest, string variant, VerificationReport report, LfwFolds? folds, MirrorPolicy mirror)
    {
        var head = report.Head.FittedOnAllFolds;
        return Store(manifest, variant, e => e with
        {
            Mirror = mirror,
            VerificationThreshold = (float)Math.Round(report.FoldThresholds.Average(), 4),
            IdentificationThreshold = (float)Math.Round(report.TarAtFar1e3.Threshold, 4),
            Head = folds is { } f ? head with { FittedOn = $"lfw, folds {f} (people the model was not tuned on)" } : head,
        });
    }

    private static ModelManifest StoreMaskedOperatingPoint(ModelManifest manifest, string variant, MaskedLfwResult study, MirrorPolicy mirror)
    {
        var runtime = study.Runtime;
        return Store(manifest, variant, e => e with
        {
            Mirror = mirror,
            Masked = new MaskedMatchingManifest
            {
                Classifier = study.Classifier.Parameters,
                VerificationThreshold = (float)Math.Round(runtime.FoldThresholds.Average(), 4),
                IdentificationThreshold = (float)Math.Round(runtime.TarAtFar1e3.Threshold, 4),
                OpenSet = e.Masked?.OpenSet,
            },
        });
    }

    private static ModelManifest Store(ModelManifest manifest, string variant, Func<EmbedderManifest, EmbedderManifest> change)
    {
        var updated = manifest.WithEmbedder(variant, change);
        updated.Save(manifest.Folder);
        return updated;
    }

    private static void PrintVerification(IReadOnlyList<VerificationReport> reports)
    {
        var folds = reports.Select(r => r.FoldAccuracies.Length).DefaultIfEmpty(10).Max();
        var table = new Table().AddColumns("protocol", "model", $"accuracy ({folds}-fold)", "TAR@FAR1e-3", "TAR@FAR1e-2", "AUC", "head acc (held out)", "detector misses");
        foreach (var r in reports)
        {
            table.AddRow(r.Protocol, r.Model.Split('@')[0], $"{r.MeanAccuracy * 100:F2}% ± {r.AccuracyStdDev * 100:F2}", $"{r.TarAtFar1e3.TrueAcceptRate:F3}", $"{r.TarAtFar1e2.TrueAcceptRate:F3}", $"{r.Auc:F4}", $"{r.Head.HeldOutAccuracy * 100:F2}%", $"{r.Images - r.Detected} of {r.Images} ({r.MissedUsedUnmaskedKeypoints} unmasked kp, {r.MissedUsedMeanKeypoints} mean kp)");
        }

        AnsiConsole.Write(table);
    }
}
