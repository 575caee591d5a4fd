using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Models;
using Siampain.Packages;

namespace Siampain.Benchmarks;

/// <summary>Real inputs for the benchmarks: the committed models and a registry sample photo.</summary>
internal static class BenchmarkAssets
{
    public static ModelManifest Manifest => ModelManifest.Load(Path.Combine(RepositoryLayout.FindRoot(), "models"));

    public static RgbImage SamplePhoto(int number) =>
        ImageFile.Load(Path.Combine(PackageCache.Default().Get(PinnedPackage.FaceApi), "demo", $"sample{number}.jpg"));

    /// <summary>A square window of the photo around its first face, resampled to width x height: a face at the door.</summary>
    public static RgbImage Frame(int width, int height, float faceShareOfWidth)
    {
        var photo = SamplePhoto(3);
        using var detector = new BlazeFaceDetector(Manifest);
        var faces = new List<DetectedFace>();
        new PhotoFaceDetector(detector).Detect(photo, faces);
        var face = faces[0].Box;
        var windowWidth = face.Width / faceShareOfWidth;
        var scale = windowWidth / width;
        var frame = new RgbImage(width, height);
        Span<float> rgb = stackalloc float[3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                rgb.Clear();
                Resampler.SampleAccumulate(photo, face.Centre.X + ((x - (width / 2f)) * scale), face.Centre.Y + ((y - (height / 2f)) * scale), 1, rgb);
                var o = (y * frame.Stride) + (x * 3);
                for (var c = 0; c < 3; c++)
                {
                    frame.Pixels[o + c] = (byte)rgb[c];
                }
            }
        }

        return frame;
    }
}
