namespace Siampain.Tests.Training;

/// <summary>Data the recipe cannot train on: one clear line, exit code 2, no traceback, no checkpoint left behind.</summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainingBadInputTests(TrainedRecipe recipe)
{
    [Fact]
    public void One_photo_per_person_gives_no_positive_pair_and_is_refused()
    {
        var data = recipe.Faces.Write("singles", people: 10, photos: 1);

        var (run, output) = Train(data);

        AssertRefused(run, output, "only 0 of 10 identities have two or more readable images");
    }

    [Fact]
    public void Empty_identity_folders_are_refused_naming_the_data_folder()
    {
        var data = recipe.Faces.NewFolder("empty");
        Directory.CreateDirectory(Path.Combine(data, "person00"));
        Directory.CreateDirectory(Path.Combine(data, "person01"));

        var (run, output) = Train(data);

        AssertRefused(run, output, $"{data}: holds no identity folder with images");
    }

    [Fact]
    public void A_missing_data_folder_is_refused_naming_it()
    {
        var data = Path.Combine(recipe.Faces.Root, "missing");

        var (run, output) = Train(data);

        AssertRefused(run, output, $"{data}: is not a folder");
    }

    [Fact]
    public void Unreadable_images_are_skipped_and_counted()
    {
        var data = recipe.Faces.Write("some-broken", people: 8, photos: 2);
        File.WriteAllText(Path.Combine(data, "person00", "broken.jpg"), "not a jpeg");
        File.WriteAllBytes(Path.Combine(data, "person01", "truncated.png"), [0x89, 0x50, 0x4e, 0x47]);

        var (run, output) = Train(data);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"skipped unreadable image {Path.Combine(data, "person00", "broken.jpg")}", run.Output);
        Assert.Contains("skipped 2 unreadable image(s) in all", run.Output);
        Assert.True(File.Exists(Path.Combine(output, "checkpoint.pt")));
    }

    [Fact]
    public void Nothing_but_unreadable_images_is_refused()
    {
        var data = recipe.Faces.NewFolder("all-broken");
        for (var p = 0; p < 3; p++)
        {
            var person = Directory.CreateDirectory(Path.Combine(data, $"person{p}")).FullName;
            File.WriteAllText(Path.Combine(person, "a.jpg"), "not a jpeg");
            File.WriteAllText(Path.Combine(person, "b.png"), "not a png");
        }

        var (run, output) = Train(data);

        AssertRefused(run, output, "no readable image left (6 unreadable)");
    }

    private (ToolRun Run, string Output) Train(string data)
    {
        var output = Path.Combine(recipe.Faces.Root, "out-" + Path.GetFileName(data));
        return (TrainingTool.Run(["train", "--data", data, "--out", output, "--steps", "1", .. TrainedRecipe.Quick]), output);
    }

    private static void AssertRefused(ToolRun run, string output, string message)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Path.Combine(output, "checkpoint.pt")));
    }
}
