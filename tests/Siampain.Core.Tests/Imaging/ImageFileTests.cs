using Siampain.Imaging;

namespace Siampain.Tests.Imaging;

public sealed class ImageFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-img-").FullName;

    [Fact]
    public void A_non_image_file_is_a_clear_error_naming_the_file()
    {
        var path = Path.Combine(_folder, "notes.jpg");
        File.WriteAllText(path, "this is not a photo");
        var error = Assert.Throws<InvalidImageException>(() => ImageFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Empty_missing_and_truncated_files_are_clear_errors()
    {
        var empty = Path.Combine(_folder, "empty.png");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty", Assert.Throws<InvalidImageException>(() => ImageFile.Load(empty)).Message);
        Assert.Contains("cannot be read", Assert.Throws<InvalidImageException>(() => ImageFile.Load(Path.Combine(_folder, "missing.png"))).Message);

        var truncated = Path.Combine(_folder, "face.pgm");
        File.WriteAllBytes(truncated, [.. "P5 92 112 255\n"u8.ToArray(), .. new byte[100]]);
        Assert.Contains("truncated", Assert.Throws<InvalidImageException>(() => ImageFile.Load(truncated)).Message);
    }

    [Fact]
    public void Grey_pgm_becomes_rgb_and_png_round_trips()
    {
        var pgm = Path.Combine(_folder, "grey.pgm");
        File.WriteAllBytes(pgm, [.. "P5\n# comment\n3 2\n255\n"u8.ToArray(), 0, 50, 100, 150, 200, 250]);
        var image = ImageFile.Load(pgm);
        Assert.Equal((3, 2), (image.Width, image.Height));
        Assert.Equal([150, 150, 150], image.Pixels.AsSpan(9, 3).ToArray());

        var png = Path.Combine(_folder, "grey.png");
        ImageFile.SavePng(image, png);
        Assert.Equal(image.Pixels, ImageFile.Load(png).Pixels);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
