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
    int Unreadable,
    ManifestThresholdRates AtManifestThresholds);

/// <summary>
/// How the manifest's thresholds (what the terminal uses unless configured otherwise) fare on the same probes, one
/// photo each: the share of stranger probes accepted as someone, of known probes accepted as themselves, and of
/// known probes accepted as someone else (what proxy attendance would look like).
/// </summary>
public sealed record ManifestThresholdRates(float Unmasked, float Masked, double StrangersAccepted, double KnownIdentified, double KnownTakenForSomeoneElse);

/// <summary>How `siampain eval identify` and `masked-identification` draw galleries and probes.</summary>
public sealed record IdentificationSettings
{
    /// <summary>Photos enrolled per known person (never all of them: at least one is left to probe with).</summary>
    public int GalleryPerPerson { get; init; } = 1;

    /// <summary>Random stranger/known splits averaged.</summary>
    public int Splits { get; init; } = 5;

    /// <summary>
    /// Gallery sizes to score: for each, that many of the known people are drawn at random per split and enrolled,
    /// while the strangers stay the same fifth of all identities, so a small gallery is still tried by every
    /// stranger. Null: one gallery of every known person.
    /// </summary>
    public IReadOnlyList<int>? GallerySizes { get; init; }

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

    /// <summary>Gallery sizes the manifest's open-set operating points are measured at, besides every known person.</summary>
    public static readonly IReadOnlyList<int> OperatingPointSizes = [10, 30, 100, 300];

    /// <summary>How a probe is matched: which templates are enrolled and which a probe is compared with.</summary>
    private sealed record Strategy(string Name, bool EnrolMasked, Func<FaceGallery, string, GalleryMatch> Match);

    public static IReadOnlyList<IdentificationReport> Run(FaceAnalyzer analyzer, string root, string protocol, IdentificationSettings? settings = null, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        settings ??= new IdentificationSettings();
        var identities = Identities(root, settings.People);
        var knownCount = identities.Count - StrangerCount(identities.Count);
        foreach (var size in settings.GallerySizes ?? [])
        {
            if (size < 1 || size > knownCount)
            {
                throw new InvalidDataException($"{root}: cannot enrol {size} people per split: {identities.Count} identities with two or more photos leave {knownCount} known people once a fifth are held out as strangers.");
            }
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
                strategies.Add(new(MaskedLfwEvaluation.RuntimeStrategy, true, (g, p) =>
                {
                    var calledMasked = classifier.IsMasked(crops[p].Embedding);
                    return g.Match(probeSets.For(calledMasked)[p].Embedding, calledMasked);
                }));
            }
        }

        var used = masked ? new[] { (gallerySets[0], (IReadOnlyCollection<string>)enrolment), (probes, images) } : [(probes, images)];
        var sizes = settings.GallerySizes?.Select(n => (int?)n) ?? [null];
        return [.. sizes.SelectMany(size => strategies.Select(strategy => Report(strategy, size, Score(strategy, identities, gallerySets, settings, size, analyzer.Embedder))))];

        IdentificationReport Report(Strategy strategy, int? size, StrategyScore score) => new(
            $"{protocol}{(size is { } n ? $"-{n}-enrolled" : string.Empty)}{(masked ? $"/{strategy.Name}" : string.Empty)}",
            analyzer.Embedder.ModelId,
            score.Known + score.Strangers,
            score.Known,
            score.Strangers,
            galleryPerPerson,
            settings.Splits,
            score.KnownProbes,
            score.StrangerProbes,
            score.Rank1,
            score.OpenSet,
            score.Threshold,
            used.Sum(s => s.Item2.Count),
            used.Sum(s => s.Item1.CountBy(FaceSource.Detected, s.Item2)),
            used.Sum(s => s.Item1.CountBy(FaceSource.UnmaskedKeypoints, s.Item2)),
            used.Sum(s => s.Item1.CountBy(FaceSource.MeanKeypoints, s.Item2)),
            used.Sum(s => s.Item1.CountBy(FaceSource.Unreadable, s.Item2)),
            score.AtManifest);
    }

    /// <summary>
    /// The galleries `eval identify --write-manifest` measures: <see cref="OperatingPointSizes"/> below the number of
    /// known people, and every known person.
    /// </summary>
    public static IReadOnlyList<int> OperatingPointGalleries(string root, IReadOnlySet<string>? people)
    {
        var identities = Identities(root, people).Count;
        var known = identities - StrangerCount(identities);
        return [.. OperatingPointSizes.Where(n => n < known).Append(known)];
    }

    /// <summary>The identities with two or more photos (of <paramref name="people"/>, when given).</summary>
    private static Dictionary<string, List<string>> Identities(string root, IReadOnlySet<string>? people)
    {
        var identities = IdentityFolders.Load(root).Where(p => p.Value.Count >= 2 && (people is null || people.Contains(p.Key))).ToDictionary();
        if (identities.Count < MinimumIdentities)
        {
            throw new InvalidDataException($"{root}: needs at least {MinimumIdentities} identities with two or more photos each, found {identities.Count}.");
        }

        return identities;
    }

    /// <summary>Identities held out as strangers in every split.</summary>
    public static int StrangerCount(int identities) => (int)Math.Round(identities * StrangerShare);

    /// <summary>One strategy's figures, averaged over the splits.</summary>
    private sealed record StrategyScore(double Rank1, double OpenSet, float Threshold, int Known, int Strangers, int KnownProbes, int StrangerProbes, ManifestThresholdRates AtManifest);

    private static StrategyScore Score(
        Strategy strategy, Dictionary<string, List<string>> identities, FaceEmbeddingSet[] gallerySets, IdentificationSettings settings, int? gallerySize, FaceEmbedder embedder)
    {
        var (galleryPerPerson, splits) = (settings.GalleryPerPerson, settings.Splits);
        double rank1Sum = 0, openSetSum = 0, thresholdSum = 0, strangersAcceptedSum = 0, identifiedSum = 0, takenForOtherSum = 0;
        int knownProbes = 0, strangerProbes = 0;
        var strangerCount = StrangerCount(identities.Count);
        var knownCount = gallerySize ?? identities.Count - strangerCount;
        var manifestThresholds = MatchThresholds.From(embedder.Manifest, galleryPeople: knownCount);
        for (var split = 0; split < splits; split++)
        {
            var random = new Random(split);
            var names = identities.Keys.Order(StringComparer.Ordinal).ToArray();
            random.Shuffle(names);
            var gallery = new FaceGallery(embedder.Dimensions, knownCount * galleryPerPerson * gallerySets.Length);
            var knownQueries = new List<(string Person, string Image)>();
            foreach (var name in names.Skip(strangerCount).Take(knownCount))
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
            strangersAcceptedSum += strangerMatches.Count(m => m.Score >= manifestThresholds.For(m)) / (double)strangerMatches.Length;
            identifiedSum += knownMatches.Count(m => m.Match.Score >= manifestThresholds.For(m.Match) && m.Match.PersonId == m.Person) / (double)knownMatches.Length;
            takenForOtherSum += knownMatches.Count(m => m.Match.Score >= manifestThresholds.For(m.Match) && m.Match.PersonId != m.Person) / (double)knownMatches.Length;
            knownProbes += knownMatches.Length;
            strangerProbes += strangerMatches.Length;
        }

        var atManifest = new ManifestThresholdRates(manifestThresholds.Unmasked, manifestThresholds.Masked, strangersAcceptedSum / splits, identifiedSum / splits, takenForOtherSum / splits);
        return new(rank1Sum / splits, openSetSum / splits, (float)(thresholdSum / splits), knownCount, strangerCount, knownProbes / splits, strangerProbes / splits, atManifest);
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
