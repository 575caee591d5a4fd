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

/// <summary>
/// 1:N identification on an identity-per-folder data set (ORL, Yale, LFW people with two or more photos):
/// a share of the identities is held out as strangers who are never enrolled; the rest enrol their first
/// photos and are probed with the others. Averaged over several random splits.
/// </summary>
public static class IdentificationEvaluation
{
    public const double StrangerShare = 0.2;
    public const double FalseAlarmRate = 0.01;

    public static IdentificationReport Run(FaceAnalyzer analyzer, string root, string protocol, int galleryPerPerson = 1, int splits = 5, IReadOnlyList<MaskTemplate>? probeMasks = null, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var identities = IdentityFolders.Load(root).Where(p => p.Value.Count >= 2).ToDictionary();
        if (identities.Count < 5)
        {
            throw new InvalidDataException($"{root}: needs at least 5 identities with two or more photos each, found {identities.Count}.");
        }

        var images = identities.Values.SelectMany(v => v).ToList();
        var total = probeMasks is null ? images.Count : images.Count * 2;
        var done = 0;
        var tick = new SynchronousProgress<int>(_ => progress?.Report((++done, total)));
        var clean = FaceEmbeddingSet.Build(analyzer, root, images, null, tick);
        var probes = probeMasks is null ? clean : FaceEmbeddingSet.Build(analyzer, root, images, probeMasks, tick);

        double rank1Sum = 0, openSetSum = 0, thresholdSum = 0;
        int knownProbes = 0, strangerProbes = 0, strangerIdentities = 0;
        for (var split = 0; split < splits; split++)
        {
            var random = new Random(split);
            var names = identities.Keys.Order(StringComparer.Ordinal).ToArray();
            random.Shuffle(names);
            var strangerCount = (int)Math.Round(names.Length * StrangerShare);
            strangerIdentities = strangerCount;
            var gallery = new FaceGallery(analyzer.Embedder.Dimensions, names.Length * galleryPerPerson);
            var knownQueries = new List<(string Person, string Image)>();
            foreach (var name in names.Skip(strangerCount))
            {
                var photos = identities[name];
                var enrolled = Math.Min(galleryPerPerson, photos.Count - 1);
                foreach (var photo in photos.Take(enrolled))
                {
                    gallery.Add(name, clean[photo].Embedding);
                }

                knownQueries.AddRange(photos.Skip(enrolled).Select(p => (name, p)));
            }

            var strangerScores = names.Take(strangerCount)
                .SelectMany(n => identities[n])
                .Select(p => gallery.Match(probes[p].Embedding).Score)
                .OrderDescending()
                .ToArray();
            var knownMatches = knownQueries.Select(q => (q.Person, Match: gallery.Match(probes[q.Image].Embedding))).ToArray();

            // The threshold lets through at most 1% of strangers: the score of the first stranger that must be refused.
            var allowed = (int)Math.Floor(strangerScores.Length * FalseAlarmRate);
            var threshold = allowed < strangerScores.Length ? MathF.BitIncrement(strangerScores[allowed]) : float.NegativeInfinity;
            rank1Sum += knownMatches.Count(m => m.Match.PersonId == m.Person) / (double)knownMatches.Length;
            openSetSum += knownMatches.Count(m => m.Match.PersonId == m.Person && m.Match.Score >= threshold) / (double)knownMatches.Length;
            thresholdSum += threshold;
            knownProbes = knownMatches.Length;
            strangerProbes = strangerScores.Length;
        }

        var sets = probeMasks is null ? new[] { clean } : [clean, probes];
        return new IdentificationReport(
            protocol,
            analyzer.Embedder.ModelId,
            identities.Count,
            identities.Count - strangerIdentities,
            strangerIdentities,
            galleryPerPerson,
            splits,
            knownProbes,
            strangerProbes,
            rank1Sum / splits,
            openSetSum / splits,
            (float)(thresholdSum / splits),
            sets.Sum(s => s.Count),
            sets.Sum(s => s.CountBy(FaceSource.Detected)),
            sets.Sum(s => s.CountBy(FaceSource.UnmaskedKeypoints)),
            sets.Sum(s => s.CountBy(FaceSource.MeanKeypoints)),
            sets.Sum(s => s.CountBy(FaceSource.Unreadable)));
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
