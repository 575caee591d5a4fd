using System.CommandLine;
using Siampain.Imaging;
using Siampain.ModelTools.Commands;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.ModelTools;

namespace Siampain.Tests.Training;

public sealed class AlignCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Align_writes_one_aligned_crop_per_photo_with_a_face_into_the_person_folders()
    {
        var data = Directory.CreateDirectory(_temp.File("photos")).FullName;
        Copy(1, data, "personA", "sample1.jpg");
        Copy(2, data, "personA", Path.Combine("S001", "L1", "sample2.jpg"));
        File.WriteAllText(Path.Combine(data, "personA", "S001", "L1", "sample2.txt"), "metadata beside the photo");
        Copy(3, data, "personB", "sample3.jpg");
        File.WriteAllText(Path.Combine(data, "personB", "broken.jpg"), "not a jpeg");
        Directory.CreateDirectory(Path.Combine(data, "personC"));
        var output = _temp.File("crops");

        var (exitCode, text, error) = Run("align", "--data", data, "--out", output, "--models", TestAssets.ModelsFolder);

        Assert.True(exitCode == 0, error);
        Assert.Contains("wrote 3 crops of 2 people", text);
        Assert.Contains("0 photos without a face, 1 unreadable", text);
        Assert.Contains(Path.Combine(data, "personB", "broken.jpg"), text);
        string[] expected = [Path.Combine("personA", "S001_L1_sample2.png"), Path.Combine("personA", "sample1.png"), Path.Combine("personB", "sample3.png")];
        var crops = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, crops);
        var crop = ImageFile.Load(Path.Combine(output, expected[0]));
        Assert.Equal((112, 112), (crop.Width, crop.Height));
    }

    [Fact]
    public void Align_with_masked_views_writes_that_many_masked_crops_per_photo_the_same_on_every_run()
    {
        var data = Directory.CreateDirectory(_temp.File("photos")).FullName;
        Copy(1, data, "personA", "sample1.jpg");
        Copy(3, data, "personB", "sample3.jpg");
        var crops = _temp.File("crops");
        var masked = _temp.File("masked");

        var (exitCode, text, error) = Run("align", "--data", data, "--out", crops, "--models", TestAssets.ModelsFolder, "--masked-out", masked, "--masked-views", "2");
        var first = File.ReadAllBytes(Path.Combine(masked, "personA", "sample1_m0.png"));
        Run("align", "--data", data, "--out", crops, "--models", TestAssets.ModelsFolder, "--masked-out", masked, "--masked-views", "2");

        Assert.True(exitCode == 0, error);
        Assert.Contains("wrote 4 masked views", text);
        string[] expected = [Path.Combine("personA", "sample1_m0.png"), Path.Combine("personA", "sample1_m1.png"), Path.Combine("personB", "sample3_m0.png"), Path.Combine("personB", "sample3_m1.png")];
        Assert.Equal(expected, Directory.GetFiles(masked, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(masked, f)).Order(StringComparer.Ordinal));
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(masked, "personA", "sample1_m0.png")));
        Assert.NotEqual(first, File.ReadAllBytes(Path.Combine(masked, "personA", "sample1_m1.png")));
        var clean = ImageFile.Load(Path.Combine(crops, "personA", "sample1.png"));
        var view = ImageFile.Load(Path.Combine(masked, "personA", "sample1_m0.png"));
        Assert.Equal((clean.Width, clean.Height), (view.Width, view.Height));
    }

    [Fact]
    public void Align_refuses_a_masked_view_count_out_of_range()
    {
        var (exitCode, _, error) = Run("align", "--data", _temp.Path, "--out", _temp.File("crops"), "--models", TestAssets.ModelsFolder, "--masked-out", _temp.File("m"), "--masked-views", "0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--masked-views must be between 1 and 16", error);
    }

    [Fact]
    public void Align_of_a_set_without_any_readable_face_fails_naming_the_folder()
    {
        var data = Directory.CreateDirectory(_temp.File("broken")).FullName;
        Directory.CreateDirectory(Path.Combine(data, "person"));
        File.WriteAllText(Path.Combine(data, "person", "a.jpg"), "not a jpeg");

        var (exitCode, _, error) = Run("align", "--data", data, "--out", _temp.File("crops"), "--models", TestAssets.ModelsFolder);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{data}: no face found in any photo (0 without a face, 1 unreadable)", error);
    }

    private static void Copy(int sample, string root, string person, string relative)
    {
        var target = Path.Combine(root, person, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(TestAssets.SamplePhotoPaths[sample - 1], target);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = ModelToolsCli.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
