using Siampain.Detection;
using Siampain.Imaging;

namespace Siampain.Tests.Infrastructure;

/// <summary>Camera-like frames made from the registry photos: one face framed as a door camera would see it.</summary>
public static class DoorFrames
{
    /// <summary>
    /// A width x height frame centred on face <paramref name="face"/> of the photo, the face taking
    /// <paramref name="faceShareOfWidth"/> of the frame's width; <paramref name="blurRadius"/> box-blurs it.
    /// </summary>
    public static RgbImage Around(RgbImage photo, DetectedFace face, int width = 640, int height = 480, float faceShareOfWidth = 0.3f, int blurRadius = 0)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var scale = face.Box.Width / faceShareOfWidth / width;
        var frame = new RgbImage(width, height);
        Span<float> rgb = stackalloc float[3];
        var taps = (2 * blurRadius) + 1;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                rgb.Clear();
                for (var dy = -blurRadius; dy <= blurRadius; dy++)
                {
                    for (var dx = -blurRadius; dx <= blurRadius; dx++)
                    {
                        Resampler.SampleAccumulate(photo, face.Box.Centre.X + ((x + dx - (width / 2f)) * scale), face.Box.Centre.Y + ((y + dy - (height / 2f)) * scale), 1f / (taps * taps), rgb);
                    }
                }

                var o = (y * frame.Stride) + (x * 3);
                for (var c = 0; c < 3; c++)
                {
                    frame.Pixels[o + c] = (byte)Math.Clamp(rgb[c], 0, 255);
                }
            }
        }

        return frame;
    }

    /// <summary>The faces of a registry sample photo, found with the photo detector.</summary>
    public static List<DetectedFace> FacesOf(RgbImage photo)
    {
        using var detector = new BlazeFaceDetector(TestAssets.Manifest);
        var faces = new List<DetectedFace>();
        new PhotoFaceDetector(detector).Detect(photo, faces);
        return faces;
    }
}
