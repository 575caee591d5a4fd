using System.Numerics;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Masking;

public sealed class MaskTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-mask-").FullName;

    [Fact]
    public void Homography_fit_recovers_a_projective_map()
    {
        Vector2[] from = [new(0, 0), new(100, 0), new(100, 60), new(0, 60), new(50, 30), new(20, 50)];
        static Vector2 Truth(Vector2 p)
        {
            var w = (0.0005f * p.X) + (0.001f * p.Y) + 1;
            return new Vector2(((1.1f * p.X) + (0.2f * p.Y) + 5) / w, ((-0.1f * p.X) + (0.9f * p.Y) + 12) / w);
        }

        var h = Homography.Fit(from, [.. from.Select(Truth)]);
        var probe = new Vector2(73, 41);
        Assert.Equal(Truth(probe).X, h.Apply(probe).X, 2);
        Assert.Equal(Truth(probe).Y, h.Apply(probe).Y, 2);
        var back = h.Inverse().Apply(h.Apply(probe));
        Assert.Equal(probe.X, back.X, 2);
    }

    [Fact]
    public void A_painted_mask_covers_nose_and_mouth_but_not_the_eyes()
    {
        using var blazeFace = new BlazeFaceDetector(TestAssets.Manifest);
        var image = TestAssets.LoadSample(3);
        var faces = new List<DetectedFace>();
        new PhotoFaceDetector(blazeFace).Detect(image, faces);
        var face = faces[0];

        var template = SolidTemplate();
        var masked = image.Clone();
        template.Paint(masked, MaskAnchors.Estimate(face));

        Assert.Equal((10, 200, 30), PixelAt(masked, face.Keypoints[FaceKeypoints.MouthCentre]));
        Assert.Equal((10, 200, 30), PixelAt(masked, face.Keypoints[FaceKeypoints.NoseTip]));
        Assert.Equal(PixelAt(image, face.Keypoints[FaceKeypoints.LeftEye]), PixelAt(masked, face.Keypoints[FaceKeypoints.LeftEye]));
    }

    private MaskTemplate SolidTemplate()
    {
        // A 60x40 opaque green rectangle whose anchors are its upper edge, lower corners and bottom centre.
        var folder = Path.Combine(_folder, "templates");
        Directory.CreateDirectory(folder);
        var rgba = new byte[60 * 40 * 4];
        for (var i = 0; i < rgba.Length; i += 4)
        {
            (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = (10, 200, 30, 255);
        }

        var path = Path.Combine(folder, "green.png");
        using (var stream = File.Create(path))
        {
            new StbImageWriteSharp.ImageWriter().WritePng(rgba, 60, 40, StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha, stream);
        }

        File.WriteAllText(Path.Combine(_folder, "masks.cfg"), "[green]\ntemplate: masks/templates/green.png\nmask_a: 0, 2\nmask_b: 30, 0\nmask_c: 59, 2\nmask_d: 0, 37\nmask_e: 30, 39\nmask_f: 59, 37\n");
        return Assert.Single(MaskTemplate.LoadFolder(_folder));
    }

    private static (byte, byte, byte) PixelAt(RgbImage image, Vector2 p)
    {
        var o = ((int)p.Y * image.Stride) + ((int)p.X * 3);
        return (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
