using Siampain.Evaluation;

namespace Siampain.Tests.Evaluation;

public sealed class LfwPairsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-lfw-").FullName;

    [Fact]
    public void Reads_matched_then_mismatched_pairs_per_fold()
    {
        File.WriteAllLines(Path.Combine(_folder, "pairs.txt"),
        [
            "2\t1", "Ann\t1\t2", "Ann\t1\tBob\t3", "Cid\t2\t4", "Bob\t1\tCid\t1",
        ]);

        var pairs = LfwPairs.Load(_folder);

        Assert.Equal(4, pairs.Count);
        Assert.Equal(new LfwPair(Path.Combine("Ann", "Ann_0001.jpg"), Path.Combine("Ann", "Ann_0002.jpg"), true, 0), pairs[0]);
        Assert.Equal(new LfwPair(Path.Combine("Ann", "Ann_0001.jpg"), Path.Combine("Bob", "Bob_0003.jpg"), false, 0), pairs[1]);
        Assert.Equal(1, pairs[3].Fold);
    }

    [Fact]
    public void Selected_folds_are_kept_alone_and_renumbered_from_zero()
    {
        File.WriteAllLines(Path.Combine(_folder, "pairs.txt"),
        [
            "3\t1", "Ann\t1\t2", "Ann\t1\tBob\t3", "Cid\t2\t4", "Bob\t1\tCid\t1", "Dan\t1\t2", "Dan\t1\tEve\t1",
        ]);

        var pairs = LfwPairs.Load(_folder, LfwFolds.Parse("2-3"));

        Assert.Equal(4, pairs.Count);
        Assert.Equal(new LfwPair(Path.Combine("Cid", "Cid_0002.jpg"), Path.Combine("Cid", "Cid_0004.jpg"), true, 0), pairs[0]);
        Assert.Equal([0, 0, 1, 1], pairs.Select(p => p.Fold));
        Assert.Equal(2, LfwPairs.Load(_folder, LfwFolds.Parse("3")).Count);
    }

    [Fact]
    public void The_people_of_selected_folds_are_those_their_pairs_use()
    {
        File.WriteAllLines(Path.Combine(_folder, "pairs.txt"),
        [
            "3\t1", "Ann\t1\t2", "Ann\t1\tBob\t3", "Cid\t2\t4", "Bob\t1\tCid\t1", "Dan\t1\t2", "Dan\t1\tEve\t1",
        ]);

        Assert.Equal(["Bob", "Cid", "Dan", "Eve"], LfwPairs.People(_folder, LfwFolds.Parse("2-3")).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("6-")]
    [InlineData("0-3")]
    [InlineData("5-2")]
    [InlineData("a")]
    [InlineData("1-2-3")]
    public void A_malformed_fold_range_is_a_clear_error(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => LfwFolds.Parse(text));
        Assert.Contains($"--folds '{text}'", error.Message);
    }

    [Fact]
    public void Folds_beyond_the_file_are_a_clear_error()
    {
        File.WriteAllLines(Path.Combine(_folder, "pairs.txt"), ["1\t1", "Ann\t1\t2", "Ann\t1\tBob\t3"]);

        var error = Assert.Throws<ArgumentException>(() => LfwPairs.Load(_folder, LfwFolds.Parse("1-2")));
        Assert.Contains("has only 1 folds", error.Message);
    }

    [Fact]
    public void A_missing_or_inconsistent_pairs_file_is_a_clear_error()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => LfwPairs.Load(_folder));
        Assert.Contains("pairs.txt", missing.Message);

        File.WriteAllLines(Path.Combine(_folder, "pairs.txt"), ["10\t300", "Ann\t1\t2"]);
        var inconsistent = Assert.Throws<InvalidDataException>(() => LfwPairs.Load(_folder));
        Assert.Contains("10 folds", inconsistent.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
