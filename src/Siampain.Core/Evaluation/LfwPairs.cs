using System.Globalization;

namespace Siampain.Evaluation;

/// <summary>One LFW pair: two image paths relative to the LFW folder, whether they show the same person, and its fold.</summary>
public sealed record LfwPair(string First, string Second, bool Same, int Fold);

/// <summary>
/// A contiguous range of LFW folds, numbered from 1 as pairs.txt's documentation does. LFW's folds share no person,
/// so a model tuned on the people of some folds is measured fairly on the others only.
/// </summary>
public readonly record struct LfwFolds(int First, int Last)
{
    /// <summary>"6-10" or a single fold "3".</summary>
    public static LfwFolds Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('-');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first >= 1 && last >= first)
        {
            return new LfwFolds(first, last);
        }

        throw new ArgumentException($"--folds '{text}' is not a fold range; use FIRST-LAST counting from 1, e.g. 6-10.");
    }

    public override string ToString() => First == Last ? $"{First}" : $"{First}-{Last}";
}

/// <summary>Reads LFW's official pairs.txt (10 folds of 300 matched then 300 mismatched pairs).</summary>
public static class LfwPairs
{
    /// <summary>
    /// The pairs, all folds or only <paramref name="folds"/>; selected folds are renumbered from 0 so that every
    /// cross-validation runs over the selected folds alone.
    /// </summary>
    public static IReadOnlyList<LfwPair> Load(string lfwFolder, LfwFolds? folds = null)
    {
        var path = Path.Combine(lfwFolder, "pairs.txt");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: LFW's pairs.txt is missing; pass the folder that holds pairs.txt and one folder per person.", path);
        }

        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        var header = Split(lines[0], path, 1);
        var foldCount = int.Parse(header[0], CultureInfo.InvariantCulture);
        var perFold = int.Parse(header[1], CultureInfo.InvariantCulture);
        if (lines.Length - 1 != foldCount * perFold * 2)
        {
            throw new InvalidDataException($"{path}: header promises {foldCount} folds of {perFold}+{perFold} pairs, file has {lines.Length - 1} pair lines.");
        }

        var (first, last) = folds is { } selected ? (selected.First - 1, selected.Last - 1) : (0, foldCount - 1);
        if (last >= foldCount)
        {
            throw new ArgumentException($"--folds {folds}: {path} has only {foldCount} folds.");
        }

        var pairs = new List<LfwPair>((last - first + 1) * perFold * 2);
        for (var i = 1; i < lines.Length; i++)
        {
            var fold = (i - 1) / (perFold * 2);
            if (fold < first || fold > last)
            {
                continue;
            }

            fold -= first;
            var fields = Split(lines[i], path, i + 1);
            pairs.Add(fields.Length switch
            {
                3 => new LfwPair(ImagePath(fields[0], fields[1]), ImagePath(fields[0], fields[2]), true, fold),
                4 => new LfwPair(ImagePath(fields[0], fields[1]), ImagePath(fields[2], fields[3]), false, fold),
                _ => throw new InvalidDataException($"{path}:{i + 1}: expected 3 or 4 fields, got {fields.Length}."),
            });
        }

        return pairs;
    }

    /// <summary>
    /// The people whose photos the pairs of <paramref name="folds"/> use. LFW's folds share no person, so these are
    /// the people a model tuned on the other folds never saw.
    /// </summary>
    public static IReadOnlySet<string> People(string lfwFolder, LfwFolds folds) =>
        Load(lfwFolder, folds).SelectMany(p => new[] { p.First, p.Second }).Select(image => Path.GetDirectoryName(image)!).ToHashSet(StringComparer.Ordinal);

    public static string ImagePath(string person, string number) =>
        Path.Combine(person, $"{person}_{int.Parse(number, CultureInfo.InvariantCulture):D4}.jpg");

    private static string[] Split(string line, string path, int lineNumber)
    {
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 ? fields : throw new InvalidDataException($"{path}:{lineNumber}: malformed line '{line}'.");
    }
}
