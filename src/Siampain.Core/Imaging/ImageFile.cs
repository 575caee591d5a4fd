using StbImageSharp;
using StbImageWriteSharp;

namespace Siampain.Imaging;

/// <summary>Reads photos (JPEG, PNG, BMP, GIF, PGM/PPM) into RGB without native code, so it also runs on the board.</summary>
public static class ImageFile
{
    public static RgbImage Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException(path, $"cannot be read: {e.Message}", e);
        }

        return Decode(bytes, path);
    }

    public static RgbImage Decode(byte[] bytes, string nameForErrors)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            throw new InvalidImageException(nameForErrors, "is empty");
        }

        if (Netpbm.IsNetpbm(bytes))
        {
            return Netpbm.Decode(bytes, nameForErrors);
        }

        // stb_image reports every decoding failure as a plain Exception.
        try
        {
            var image = ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlue);
            return new RgbImage(image.Width, image.Height, image.Data);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidImageException(nameForErrors, $"is not a readable image ({e.Message})", e);
        }
    }

    public static void SavePng(RgbImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var stream = File.Create(path);
        new ImageWriter().WritePng(image.Pixels, image.Width, image.Height, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream);
    }

    public static void SaveJpeg(RgbImage image, string path, int quality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var stream = File.Create(path);
        new ImageWriter().WriteJpg(image.Pixels, image.Width, image.Height, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream, quality);
    }
}
