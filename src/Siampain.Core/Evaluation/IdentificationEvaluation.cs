using Siampain.Masking;
using Siampain.Recognition;

namespace Siampain.Evaluation;

/// <summary>What `siampain eval identify` reports: closed-set rank-1 and open-set identification at 1% false alarms.</summary>
public sealed record IdentificationReport(
    string Protocol,
    string Model,
    int Identities,
    int KnownIdentities,
    int StrangerIdentities,
    int GalleryPerPerson,
    int Splits,
    int KnownProbes,
    int StrangerProbes,
    double Rank1,
    double OpenSetRateAt1PercentFalseAlarm,
    float OpenSetThreshold,
    int Images,
    int Detected,
    int MissedUsedUnmaskedKeypoints,
    int MissedUsedMeanKeypoints,
    int Unreadable);

/// <summary>How `siampain eval identify` and `masked-identification` draw galleries and probes.</summary>
public sealed record IdentificationSettings
{
    /// <summary>Photos enrolled per known person (never all of them: at least one is left to probe with).</summary>
    public int GalleryPerPerson { get; init; } = 1;

    /// <summary>Random stranger/known splits averaged.</summary>
    public int Splits { get; init; } = 5;

    /// <summary>
    /// Identities drawn at random for each split, known and strangers together: how the figures look for a site
    /// whose gallery is that size. Null: every identity of the data set.
    /// </summary>
    public int? Identities { get; init; }

    /// <summary>When set, every probe wears one of these templates and every matching strategy is scored.</summary>
    public IReadOnlyList<MaskTemplate>? ProbeMasks { get; init; }

    /// <summary>With probe masks: the mask classifier that picks the strategy per probe as the terminal does.</summary>
    public MaskClassifier? Classifier { get; init; }

    public string? CacheFolder { get; init; }

    /// <summary>Only these identities (e.g. the people of some LFW folds); null: all.</summary>
    public IReadOnlySet<string>? People { get; init; }
}

/// <summary>
/// 1:N identification on an identity-per-folder data set (ORL, Yale, LFW people with two or more photos):
/// a share of the identities is held out as strangers who are never enrolled; the rest enrol their first
/// photos and are probed with the others. Averaged over several random splits. With probe masks, every probe
/// wears a MaskTheFace template and several matching strategies are scored on the same embeddings: plain
/// cosine against the unmasked templates, and galleries that also hold masked templates painted at enrolment
/// with the project's own masks (searched alone, all together, or as the terminal does, by the mask classifier).
/// </summary>
public static class IdentificationEvaluation
{
    public const double StrangerShare = 0.2;
    public const double FalseAlarmRate = 0.01;
    public const int MinimumIdentities = 5;

    /// <summary>How a probe is matched: which templates are enrolled and which a probe is compared with.</summary>
    private sealed record Strategy(string Name, bool EnrolMasked, Func<FaceGallery, string, GalleryMatch> Match);

    public static IReadOnlyList<IdentificationReport> Run(FaceAnalyzer analyzer, string root, string protocol, IdentificationSettings? settings = null, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        settings ??= new IdentificationSettings();
        var people = settings.People;
        var identities = IdentityFolders.Load(root).Where(p => p.Value.Count >= 2 && (people is null || people.Contains(p.Key))).ToDictionary();
        if (identities.Count < MinimumIdentities)
        {
            throw new InvalidDataException($"{root}: needs at least {MinimumIdentities} identities with two or more photos each, found {identities.Count}.");
        }

        if (settings.Identities is { } drawn && (drawn < MinimumIdentities || drawn > identities.Count))
        {
            throw new InvalidDataException($"{root}: cannot draw {drawn} identities per split from {identities.Count} with two or more photos (at least {MinimumIdentities}).");
        }

        var galleryPerPerson = settings.GalleryPerPerson;
        var probeMasks = settings.ProbeMasks;
        var classifier = settings.Classifier;
        var cacheFolder = settings.CacheFolder;
        var images = identities.Values.SelectMany(v => v).ToList();
        var enrolment = identities.Values.SelectMany(v => v.Take(Math.Min(galleryPerPerson, v.Count - 1))).ToList();
        var masked = probeMasks is not null;
        var tick = LfwEvaluation.Tick(progress, masked ? enrolment.Count + images.Count : images.Count);
        // Templates and probes are embedded as the terminal embeds them (the mirror policy may treat them apart).
        var policy = analyzer.Embedder.Mirror;
        FaceCondition[] galleryConditions = masked ? [FaceCondition.Clean, .. FaceCondition.Enrolment] : [FaceCondition.Clean];
        var gallerySets = FaceEmbeddingSet.Build(analyzer, root, masked ? enrolment : images, [.. galleryConditions.Select(c => c.AsTemplate(policy))], tick, cacheFolder: cacheFolder);
        var probeSets = masked
            ? FaceEmbeddingSet.BuildProbes(analyzer, root, images, FaceCondition.Template(probeMasks!), tick, cacheFolder: cacheFolder)
            : FaceEmbeddingSet.BuildProbes(analyzer, root, images, FaceCondition.Clean, tick, cacheFolder: cacheFolder, built: gallerySets[0]);
        var probes = probeSets.For(masked);

        List<Strategy> strategies = [new("cosine", false, (g, p) => g.Match(probes[p].Embedding))];
        if (masked)
        {
            strategies.Add(new("masked-templates", true, (g, p) => g.Match(probes[p].Embedding, TemplateFilter.Masked)));
            strategies.Add(new("all-templates", true, (g, p) => g.Match(probes[p].Embedding, TemplateFilter.All)));
            strategies.Add(new("fused", true, (g, p) => g.Match(probes[p].Embedding, TemplateFilter.Fused)));
            if (classifier is not null)
            {
                var crops = FaceEmbeddingSet.Build(analyzer, root, images, [FaceCondition.Template(probeMasks!).MaskFeatures()], cacheFolder: cacheFolder)[0];
                strategies.Add(new("runtime", true, (g, p) =>
                {
                    var calledMasked = classifier.IsMasked(crops[p].Embedding);
                    return g.Match(probeSets.For(calledMasked)[p].Embedding, calledMasked);
                }));
            }
        }

        var used = masked ? new[] { (gallerySets[0], (IReadOnlyCollection<string>)enrolment), (probes, images) } : [(probes, images)];
        return [.. strategies.Select(strategy => Score(strategy, identities, gallerySets, settings, analyzer.Embedder.Dimensions) switch
        {
            var (rank1, openSet, threshold, known, strangers, knownProbes, strangerProbes) => new IdentificationReport(
                masked ? $"{protocol}/{strategy.Name}" : protocol,
                analyzer.Embedder.ModelId,
                known + strangers,
                known,
                strangers,
                galleryPerPerson,
                settings.Splits,
                knownProbes,
                strangerProbes,
                rank1,
                openSet,
                threshold,
                used.Sum(s => s.Item2.Count),
                used.Sum(s => s.Item1.CountBy(FaceSource.Detected, s.Item2)),
                used.Sum(s => s.Item1.CountBy(FaceSource.UnmaskedKeypoints, s.Item2)),
                used.Sum(s => s.Item1.CountBy(FaceSource.MeanKeypoints, s.Item2)),
                used.Sum(s => s.Item1.CountBy(FaceSource.Unreadable, s.Item2))),
        })];
    }

    private static (double Rank1, double OpenSet, float Threshold, int Known, int Strangers, int KnownProbes, int StrangerProbes) Score(
        Strategy strategy, Dictionary<string, List<string>> identities, FaceEmbeddingSet[] gallerySets, IdentificationSettings settings, int dimensions)
    {
        var (galleryPerPerson, splits) = (settings.GalleryPerPerson, settings.Splits);
        double rank1Sum = 0, openSetSum = 0, thresholdSum = 0;
        int knownProbes = 0, strangerProbes = 0, strangerIdentities = 0, drawnIdentities = 0;
        for (var split = 0; split < splits; split++)
        {
            var random = new Random(split);
            var names = identities.Keys.Order(StringComparer.Ordinal).ToArray();
            random.Shuffle(names);
            names = names[..(settings.Identities ?? names.Length)];
            drawnIdentities = names.Length;
            var strangerCount = (int)Math.Round(names.Length * StrangerShare);
            strangerIdentities = strangerCount;
            var gallery = new FaceGallery(dimensions, names.Length * galleryPerPerson * gallerySets.Length);
            var knownQueries = new List<(string Person, string Image)>();
            foreach (var name in names.Skip(strangerCount))
            {
                var photos = identities[name];
                var enrolled = Math.Min(galleryPerPerson, photos.Count - 1);
                foreach (var photo in photos.Take(enrolled))
                {
                    gallery.Add(name, gallerySets[0][photo].Embedding);
                    if (strategy.EnrolMasked)
                    {
                        foreach (var set in gallerySets.Skip(1))
                        {
                            gallery.Add(name, set[photo].Embedding, masked: true);
                        }
                    }
                }

                knownQueries.AddRange(photos.Skip(enrolled).Select(p => (name, p)));
            }

            var strangerMatches = names.Take(strangerCount)
                .SelectMany(n => identities[n])
                .Select(p => strategy.Match(gallery, p))
                .ToArray();
            var knownMatches = knownQueries.Select(q => (q.Person, Match: strategy.Match(gallery, q.Image))).ToArray();

            // Each case (a probe matched as unmasked, or as masked) gets its own threshold, as at the door, letting
            // through at most 1% of the strangers matched that way.
            var thresholds = new[] { false, true }.ToDictionary(masked => masked, masked => StrangerThreshold(strangerMatches.Where(m => m.Masked == masked).Select(m => m.Score)));
            rank1Sum += knownMatches.Count(m => m.Match.PersonId == m.Person) / (double)knownMatches.Length;
            openSetSum += knownMatches.Count(m => m.Match.PersonId == m.Person && m.Match.Score >= thresholds[m.Match.Masked]) / (double)knownMatches.Length;
            var threshold = strangerMatches.Any(m => m.Masked) ? thresholds[true] : thresholds[false];
            thresholdSum += threshold;
            knownProbes += knownMatches.Length;
            strangerProbes += strangerMatches.Length;
        }

        return (rank1Sum / splits, openSetSum / splits, (float)(thresholdSum / splits), drawnIdentities - strangerIdentities, strangerIdentities, knownProbes / splits, strangerProbes / splits);
    }

    /// <summary>The score of the first stranger that must be refused so that at most 1% get through.</summary>
    private static float StrangerThreshold(IEnumerable<float> scores)
    {
        var sorted = scores.OrderDescending().ToArray();
        var allowed = (int)Math.Floor(sorted.Length * FalseAlarmRate);
        return allowed < sorted.Length ? MathF.BitIncrement(sorted[allowed]) : float.NegativeInfinity;
    }
}

/// <summary>Identity-per-folder data sets; a flat folder (Yale's "subject01.happy") takes the name up to the first dot.</summary>
public static class IdentityFolders
{
    private static readonly string[] Skipped = [".txt", ".md", ".cfg"];

    public static IReadOnlyDictionary<string, List<string>> Load(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: no such data folder.");
        }

        var identities = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var folders = Directory.GetDirectories(root);
        if (folders.Length > 0)
        {
            foreach (var folder in folders.Order(StringComparer.Ordinal))
            {
                var files = Directory.GetFiles(folder).Where(IsImage).Order(StringComparer.Ordinal).Select(f => Path.GetRelativePath(root, f)).ToList();
                if (files.Count > 0)
                {
                    identities[Path.GetFileName(folder)] = files;
                }
            }
        }
        else
        {
            foreach (var file in Directory.GetFiles(root).Where(IsImage).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                var identity = name.Split('.')[0];
                if (!identities.TryGetValue(identity, out var list))
                {
                    identities[identity] = list = [];
                }

                list.Add(name);
            }
        }

        return identities;
    }

    private static bool IsImage(string path) =>
        !Path.GetFileName(path).StartsWith("README", StringComparison.OrdinalIgnoreCase)
        && !Skipped.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
}
