using System.Numerics.Tensors;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Models;
using Siampain.Recognition;

namespace Siampain.Evaluation;

/// <summary>The mask classifier as fitted and graded: accuracy per class on held-out faces wearing masks it never saw.</summary>
public sealed record MaskClassifierReport(MaskClassifierParameters Parameters, int TrainingFaces, int HeldOutUnmasked, int HeldOutMasked, double UnmaskedAccuracy, double MaskedAccuracy)
{
    public double Accuracy => ((UnmaskedAccuracy * HeldOutUnmasked) + (MaskedAccuracy * HeldOutMasked)) / (HeldOutUnmasked + HeldOutMasked);
}

/// <summary>
/// Every matching strategy measured on the masked pairs, and the mask classifiers: the shipped one on crop statistics
/// and, for comparison, a logistic regression on the embedding.
/// </summary>
public sealed record MaskedLfwResult(string Protocol, IReadOnlyList<VerificationReport> Strategies, MaskClassifierReport Classifier, MaskClassifierReport EmbeddingClassifier)
{
    /// <summary>What the terminal does: the classifier decides, a masked probe is compared with masked templates.</summary>
    public VerificationReport Runtime => Strategies.Single(s => s.Protocol == $"{Protocol}/{MaskedLfwEvaluation.RuntimeStrategy}");
}

/// <summary>
/// LFW's pairs with masks: the second image of each pair wears a MaskTheFace template (evaluation only), or with
/// <c>bothMasked</c> both images do, with different templates. Strategies compared on the same embeddings:
/// plain cosine, and occlusion-consistent matching, where the unmasked first image is painted with the project's
/// enrolment masks (as enrolment does with a person's photos) and the masked probe is compared masked with masked.
/// First images are embedded as templates and second images as the door embeds a face, mirrored or not as the
/// embedder's <see cref="MirrorPolicy"/> says for what the mask classifier calls it.
/// </summary>
public static class MaskedLfwEvaluation
{
    public const string RuntimeStrategy = "runtime";

    /// <summary>Upper-face matching blanks the aligned crop from this row down (nose bridge; 58 cost more than it gained).</summary>
    public const int UpperFaceRow = 64;

    /// <summary>Faces (one photo each, clean and painted) the mask classifier is fitted on.</summary>
    public const int ClassifierTrainingIdentities = 3000;

    public static MaskedLfwResult Run(FaceAnalyzer analyzer, string lfwFolder, IReadOnlyList<MaskTemplate> masks, bool bothMasked, IProgress<(int Done, int Total)>? progress = null, Action<string, RgbImage>? masked = null, string? cacheFolder = null, LfwFolds? folds = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(masks);
        var pairs = LfwPairs.Load(lfwFolder, folds);
        var firsts = pairs.Select(p => p.First).Distinct().ToList();
        var seconds = pairs.Select(p => p.Second).Distinct().ToList();
        var all = firsts.Union(seconds).ToList();
        var (training, heldOutPeople) = SplitForClassifier(lfwFolder);
        var tick = LfwEvaluation.Tick(progress, all.Count + seconds.Count + (bothMasked ? firsts.Count : 0) + training.Count);

        // First images are enrolled, second images come to the door: each is embedded as the terminal would
        // (templates and probes may differ in mirroring, and a probe by what the mask classifier says).
        var policy = analyzer.Embedder.Mirror;
        FaceCondition[] templateConditions = [FaceCondition.Clean.AsTemplate(policy), .. FaceCondition.Enrolment.Select(c => c.AsTemplate(policy))];
        var templates = FaceEmbeddingSet.Build(analyzer, lfwFolder, all, templateConditions, tick, cacheFolder: cacheFolder);
        var clean = templates[0];
        var enrolled = templates[1..];
        var probes = FaceEmbeddingSet.BuildProbes(analyzer, lfwFolder, seconds, FaceCondition.Template(masks), tick, masked, cacheFolder);
        var probe = probes.Masked;
        bool HeldOut(string image) => heldOutPeople.Contains(Path.GetDirectoryName(image)!);
        var embeddingClassifier = FitClassifier(analyzer, lfwFolder, training, [FaceCondition.Clean, FaceCondition.SyntheticVaried], clean, [.. firsts.Where(HeldOut)], probe, [.. seconds.Where(HeldOut)], tick, cacheFolder);
        var cropFeatures = FaceEmbeddingSet.Build(analyzer, lfwFolder, all, [FaceCondition.Clean.MaskFeatures()], tick, cacheFolder: cacheFolder)[0];
        var probeFeatures = FaceEmbeddingSet.Build(analyzer, lfwFolder, seconds, [FaceCondition.Template(masks).MaskFeatures()], tick, cacheFolder: cacheFolder)[0];
        var classifier = FitClassifier(analyzer, lfwFolder, training, [FaceCondition.Clean.MaskFeatures(), FaceCondition.SyntheticVaried.MaskFeatures()], cropFeatures, [.. firsts.Where(HeldOut)], probeFeatures, [.. seconds.Where(HeldOut)], tick, cacheFolder);
        var model = analyzer.Embedder.ModelId;
        var mask = new MaskClassifier(classifier.Parameters);
        bool CalledMasked(LfwPair p) => mask.IsMasked(probeFeatures[p.Second].Embedding);

        var protocol = bothMasked ? "masked-lfw-both" : "masked-lfw";
        var reports = new List<VerificationReport>();
        if (bothMasked)
        {
            // The first image wears a template other than its partner's: offset 1, or 2 when 1 lands on the same one.
            var fronts = FaceCondition.Fronts(masks).Length;
            var other = FaceEmbeddingSet.Build(analyzer, lfwFolder, firsts, [FaceCondition.Template(masks, 1).AsTemplate(policy), FaceCondition.Template(masks, 2).AsTemplate(policy)], tick, masked, cacheFolder);
            FaceEmbeddingSet FirstSet(LfwPair p) =>
                FaceCondition.FrontIndex(fronts, p.First, 1) == FaceCondition.FrontIndex(fronts, p.Second, 0) ? other[1] : other[0];
            var sets = new List<(FaceEmbeddingSet, IReadOnlyCollection<string>)>
            {
                (probe, seconds),
                (other[0], pairs.Where(p => FirstSet(p) == other[0]).Select(p => p.First).Distinct().ToList()),
                (other[1], pairs.Where(p => FirstSet(p) == other[1]).Select(p => p.First).Distinct().ToList()),
            };

            // Two masked photos: both sides already look alike below the eyes, so plain cosine is what runs, with the
            // probe embedded as the classifier's verdict has the door embed it.
            ScoredPair Scored(LfwPair p, FaceEmbeddingSet second) => new(TensorPrimitives.Dot(FirstSet(p)[p.First].Embedding, second[p.Second].Embedding), p.Same, p.Fold);
            reports.Add(LfwEvaluation.Report($"{protocol}/cosine", model, [.. pairs.Select(p => Scored(p, probe))], sets));
            reports.Add(LfwEvaluation.Report($"{protocol}/{RuntimeStrategy}", model, [.. pairs.Select(p => Scored(p, probes.For(CalledMasked(p))))], sets));
            reports.Add(LfwEvaluation.Report($"{protocol}/siamese-head", model, HeadScores(pairs, clean, enrolled, p => FirstSet(p)[p.First].Embedding, p => probe[p.Second].Embedding), sets));
            return new MaskedLfwResult(protocol, reports, classifier, embeddingClassifier);
        }

        var used = new List<(FaceEmbeddingSet, IReadOnlyCollection<string>)> { (clean, firsts), (probe, seconds) };
        var upperFirsts = FaceEmbeddingSet.Build(analyzer, lfwFolder, firsts, [FaceCondition.Clean.UpperFace(UpperFaceRow).AsTemplate(policy)], tick, cacheFolder: cacheFolder)[0];
        var upperSeconds = FaceEmbeddingSet.Build(analyzer, lfwFolder, seconds, [FaceCondition.Template(masks).UpperFace(UpperFaceRow).AsProbe(policy, masked: true)], tick, cacheFolder: cacheFolder)[0];
        float Upper(LfwPair p) => TensorPrimitives.Dot(upperFirsts[p.First].Embedding, upperSeconds[p.Second].Embedding);
        float Cosine(LfwPair p) => TensorPrimitives.Dot(clean[p.First].Embedding, probe[p.Second].Embedding);
        float EnrolMax(LfwPair p) => enrolled.Max(s => TensorPrimitives.Dot(s[p.First].Embedding, probe[p.Second].Embedding));

        // A masked probe the classifier misses is embedded and matched as an unmasked face.
        float AsUnmasked(LfwPair p) => TensorPrimitives.Dot(clean[p.First].Embedding, probes.Unmasked[p.Second].Embedding);
        var strategies = new (string Name, Func<LfwPair, float> Score)[]
        {
            ("cosine", Cosine),
            ("enrol-mask-1", p => TensorPrimitives.Dot(enrolled[0][p.First].Embedding, probe[p.Second].Embedding)),
            ("enrol-masks-max", EnrolMax),
            ("enrol-masks-mean", p => enrolled.Average(s => TensorPrimitives.Dot(s[p.First].Embedding, probe[p.Second].Embedding))),
            ("clean+enrol-masks-max", p => MathF.Max(Cosine(p), EnrolMax(p))),
            ("fusion-cosine+enrol-max", p => (Cosine(p) + EnrolMax(p)) / 2),
            ("fusion-cosine+enrol-mean", p => (Cosine(p) + enrolled.Average(s => TensorPrimitives.Dot(s[p.First].Embedding, probe[p.Second].Embedding))) / 2),
            ("fusion-0.4-cosine+0.6-enrol-max", p => (0.4f * Cosine(p)) + (0.6f * EnrolMax(p))),
            ($"upper-face-{UpperFaceRow}", Upper),
            ($"fusion-cosine+enrol-max+upper-face-{UpperFaceRow}", p => (Cosine(p) + EnrolMax(p) + Upper(p)) / 3),
            ("classifier+enrol-masks-max", p => CalledMasked(p) ? EnrolMax(p) : AsUnmasked(p)),
            ("classifier+clean+enrol-masks-max", p => CalledMasked(p) ? MathF.Max(Cosine(p), EnrolMax(p)) : AsUnmasked(p)),
            (RuntimeStrategy, p => CalledMasked(p) ? (Cosine(p) + EnrolMax(p)) / 2 : AsUnmasked(p)),
        };
        foreach (var (name, score) in strategies)
        {
            var scored = pairs.Select(p => new ScoredPair(score(p), p.Same, p.Fold)).ToList();
            reports.Add(LfwEvaluation.Report($"{protocol}/{name}", model, scored, used));
        }

        reports.Add(LfwEvaluation.Report($"{protocol}/siamese-head", model, HeadScores(pairs, clean, enrolled, p => clean[p.First].Embedding, p => probe[p.Second].Embedding), used));

        // Clean pairs: the second photo at the door, embedded and matched by what the classifier calls it; an unmasked
        // face it wrongly calls masked is matched fused.
        var cleanProbes = FaceEmbeddingSet.BuildProbes(analyzer, lfwFolder, seconds, FaceCondition.Clean, tick, cacheFolder: cacheFolder, built: clean);
        float CleanFused(LfwPair p) => (TensorPrimitives.Dot(clean[p.First].Embedding, cleanProbes.Masked[p.Second].Embedding) + enrolled.Max(s => TensorPrimitives.Dot(s[p.First].Embedding, cleanProbes.Masked[p.Second].Embedding))) / 2;
        float CleanCosine(LfwPair p) => TensorPrimitives.Dot(clean[p.First].Embedding, cleanProbes.Unmasked[p.Second].Embedding);
        var cleanUsed = new List<(FaceEmbeddingSet, IReadOnlyCollection<string>)> { (clean, all) };
        reports.Add(LfwEvaluation.Report("lfw/fusion-cosine+enrol-max", model, [.. pairs.Select(p => new ScoredPair(CleanFused(p), p.Same, p.Fold))], cleanUsed));
        reports.Add(LfwEvaluation.Report($"lfw/{RuntimeStrategy}", model, [.. pairs.Select(p => new ScoredPair(mask.IsMasked(cropFeatures[p.Second].Embedding) ? CleanFused(p) : CleanCosine(p), p.Same, p.Fold))], cleanUsed));
        reports.Add(LfwEvaluation.Report("lfw/siamese-head", model, HeadScores(pairs, clean, enrolled, p => clean[p.First].Embedding, p => cleanProbes.Unmasked[p.Second].Embedding), cleanUsed));

        return new MaskedLfwResult(protocol, reports, classifier, embeddingClassifier);
    }

    /// <summary>
    /// The Siamese head, scored as the protocol asks: for each fold, fitted on the other nine folds' pairs shown
    /// clean, with one side and with both sides painted with the project's enrolment masks (different styles), then
    /// applied to the held-out fold's pairs as <paramref name="first"/> and <paramref name="second"/> give them.
    /// Scores are P(same).
    /// </summary>
    private static List<ScoredPair> HeadScores(IReadOnlyList<LfwPair> pairs, FaceEmbeddingSet clean, FaceEmbeddingSet[] enrolled, Func<LfwPair, float[]> first, Func<LfwPair, float[]> second)
    {
        var folds = pairs.Max(p => p.Fold) + 1;
        var scored = new List<ScoredPair>(pairs.Count);
        for (var fold = 0; fold < folds; fold++)
        {
            var random = new Random(fold);
            var training = new List<(float[], float[], bool)>();
            foreach (var p in pairs.Where(p => p.Fold != fold))
            {
                var a = random.Next(enrolled.Length);
                var b = (a + 1 + random.Next(enrolled.Length - 1)) % enrolled.Length;
                training.Add((clean[p.First].Embedding, clean[p.Second].Embedding, p.Same));
                training.Add(random.Next(2) == 0
                    ? (clean[p.First].Embedding, enrolled[a][p.Second].Embedding, p.Same)
                    : (enrolled[a][p.First].Embedding, clean[p.Second].Embedding, p.Same));
                training.Add((enrolled[a][p.First].Embedding, enrolled[b][p.Second].Embedding, p.Same));
            }

            var head = SiameseHead.Fit(training);
            scored.AddRange(pairs.Where(p => p.Fold == fold).Select(p => new ScoredPair(head.Probability(first(p), second(p)), p.Same, p.Fold)));
        }

        return scored;
    }

    /// <summary>
    /// LFW people with a single photo: the identification protocol never uses them, and the classifier is graded
    /// on the people with two or more photos, whom it never saw. (Their one photo does appear in mismatched pairs;
    /// what the classifier learns there is the project's masks on that face, not the templates it is graded with.)
    /// </summary>
    private static (List<string> Training, HashSet<string> HeldOutPeople) SplitForClassifier(string lfwFolder)
    {
        var people = IdentityFolders.Load(lfwFolder);
        var training = people.Where(p => p.Value.Count == 1).OrderBy(p => p.Key, StringComparer.Ordinal).Take(ClassifierTrainingIdentities).Select(p => p.Value[0]).ToList();
        var heldOut = people.Where(p => p.Value.Count >= 2).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        return (training, heldOut);
    }

    /// <summary>Fits on the training faces in the two conditions (unmasked, painted) and grades on the held-out sets.</summary>
    private static MaskClassifierReport FitClassifier(FaceAnalyzer analyzer, string lfwFolder, List<string> training, FaceCondition[] conditions, FaceEmbeddingSet clean, List<string> unmaskedTest, FaceEmbeddingSet masked, List<string> maskedTest, IProgress<int> tick, string? cacheFolder)
    {
        if (training.Count < 20)
        {
            throw new InvalidDataException($"{lfwFolder}: the mask classifier needs at least 20 people with a single photo, found {training.Count}.");
        }

        var sets = FaceEmbeddingSet.Build(analyzer, lfwFolder, training, conditions, tick, cacheFolder: cacheFolder);
        var parameters = MaskClassifier.Fit(
            [.. training.Select(t => sets[0][t].Embedding)],
            [.. training.Select(t => sets[1][t].Embedding)],
            $"LFW: {training.Count} people with a single photo, clean and painted with the project's masks (varied styles)");
        var classifier = new MaskClassifier(parameters);
        var unmaskedRight = unmaskedTest.Count(k => !classifier.IsMasked(clean[k].Embedding)) / (double)unmaskedTest.Count;
        var maskedRight = maskedTest.Count(k => classifier.IsMasked(masked[k].Embedding)) / (double)maskedTest.Count;
        var report = new MaskClassifierReport(parameters, training.Count, unmaskedTest.Count, maskedTest.Count, unmaskedRight, maskedRight);
        return report with { Parameters = parameters with { HeldOutAccuracy = Math.Round(report.Accuracy, 4) } };
    }
}
