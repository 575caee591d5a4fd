using System.Globalization;

namespace Siampain.Evaluation;

/// <summary>One LFW pair: two image paths relative to the LFW folder, whether they show the same person, and its fold.</summary>
public sealed record LfwPair(string First, string Second, bool Same, int Fold);

/// <summary>Reads LFW's official pairs.txt (10 folds of 300 matched then 300 mismatched pairs).</summary>
public static class LfwPairs
{
    public static IReadOnlyList<LfwPair> Load(string lfwFolder)
    {
        var path = Path.Combine(lfwFolder, "pairs.txt");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: LFW's pairs.txt is missing; pass the folder that holds pairs.txt and one folder per person.", path);
        }

        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        var header = Split(lines[0], path, 1);
        var folds = int.Parse(header[0], CultureInfo.InvariantCulture);
        var perFold = int.Parse(header[1], CultureInfo.InvariantCulture);
        if (lines.Length - 1 != folds * perFold * 2)
        {
            throw new InvalidDataException($"{path}: header promises {folds} folds of {perFold}+{perFold} pairs, file has {lines.Length - 1} pair lines.");
        }

        var pairs = new List<LfwPair>(folds * perFold * 2);
        for (var i = 1; i < lines.Length; i++)
        {
            var fold = (i - 1) / (perFold * 2);
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

    public static string ImagePath(string person, string number) =>
        Path.Combine(person, $"{person}_{int.Parse(number, CultureInfo.InvariantCulture):D4}.jpg");

    private static string[] Split(string line, string path, int lineNumber)
    {
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 ? fields : throw new InvalidDataException($"{path}:{lineNumber}: malformed line '{line}'.");
    }
}
