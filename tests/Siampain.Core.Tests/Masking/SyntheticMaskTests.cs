using System.Numerics;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Masking;

public sealed class SyntheticMaskTests
{
    private static readonly Lazy<(RgbImage Photo, List<DetectedFace> Faces)> Sample = new(() =>
    {
        var photo = TestAssets.LoadSample(3);
        return (photo, DoorFrames.FacesOf(photo));
    });

    public static TheoryData<int> Seeds => [.. Enumerable.Range(0, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_style_covers_nose_tip_and_mouth_and_leaves_the_eyes_untouched(int seed)
    {
        var (photo, faces) = Sample.Value;
        // The same mask painted once black and once white: pixels it fully covers differ by nearly 255, pixels it
        // does not touch are equal.
        var style = SyntheticMaskStyle.FromSeed(seed) with { Texture = MaskTexture.Plain };
        foreach (var face in faces)
        {
            var dark = photo.Clone();
            var light = photo.Clone();
            SyntheticMask.Paint(dark, face, style with { Colour = new MaskColour(0, 0, 0), Accent = new MaskColour(0, 0, 0) });
            SyntheticMask.Paint(light, face, style with { Colour = new MaskColour(255, 255, 255), Accent = new MaskColour(255, 255, 255) });

            Assert.True(LeastDifference(dark, light, face.Keypoints[FaceKeypoints.NoseTip], radius: 2) > 120, $"{style}: nose tip not covered");
            Assert.True(LeastDifference(dark, light, face.Keypoints[FaceKeypoints.MouthCentre], radius: 2) > 120, $"{style}: mouth not covered");
            Assert.True(Unchanged(photo, dark, face.Keypoints[FaceKeypoints.LeftEye], radius: 2), $"{style}: left eye painted");
            Assert.True(Unchanged(photo, light, face.Keypoints[FaceKeypoints.RightEye], radius: 2), $"{style}: right eye painted");
        }
    }

    [Fact]
    public void The_same_seed_paints_the_same_pixels_and_another_seed_differs()
    {
        var (photo, faces) = Sample.Value;
        var first = photo.Clone();
        var again = photo.Clone();
        var other = photo.Clone();
        SyntheticMask.Paint(first, faces[0], SyntheticMaskStyle.FromSeed(7));
        SyntheticMask.Paint(again, faces[0], SyntheticMaskStyle.FromSeed(7));
        SyntheticMask.Paint(other, faces[0], SyntheticMaskStyle.FromSeed(8));

        Assert.Equal(first.Pixels, again.Pixels);
        Assert.NotEqual(first.Pixels, other.Pixels);
    }

    [Fact]
    public void Seeds_give_every_shape_and_texture()
    {
        var styles = Enumerable.Range(0, 60).Select(SyntheticMaskStyle.FromSeed).ToList();
        Assert.Equal(Enum.GetValues<MaskShape>().Length, styles.Select(s => s.Shape).Distinct().Count());
        Assert.Equal(Enum.GetValues<MaskTexture>().Length, styles.Select(s => s.Texture).Distinct().Count());
        Assert.True(styles.Select(s => s.Colour).Distinct().Count() >= 6);
    }

    [Fact]
    public void Edges_are_anti_aliased()
    {
        // A flat grey image: every pixel the mask touches only partly must land between grey and the mask's colour.
        var (_, faces) = Sample.Value;
        var plain = new RgbImage(Sample.Value.Photo.Width, Sample.Value.Photo.Height);
        plain.Pixels.AsSpan().Fill(128);
        var style = SyntheticMaskStyle.FromSeed(3) with { Texture = MaskTexture.Plain, Colour = new MaskColour(0, 0, 0), Shape = MaskShape.Cloth };
        SyntheticMask.Paint(plain, faces[0], style);

        var partial = plain.Pixels.Count(p => p is > 8 and < 120);
        Assert.True(partial > 20, $"{partial} partly covered pixels");
    }

    private static int LeastDifference(RgbImage a, RgbImage b, Vector2 at, int radius)
    {
        var least = int.MaxValue;
        foreach (var o in Around(a, at, radius))
        {
            least = Math.Min(least, Math.Abs(a.Pixels[o] - b.Pixels[o]));
        }

        return least;
    }

    private static bool Unchanged(RgbImage a, RgbImage b, Vector2 at, int radius) =>
        Around(a, at, radius).All(o => a.Pixels[o] == b.Pixels[o] && a.Pixels[o + 1] == b.Pixels[o + 1] && a.Pixels[o + 2] == b.Pixels[o + 2]);

    private static IEnumerable<int> Around(RgbImage image, Vector2 at, int radius)
    {
        for (var dy = -radius; dy <= radius; dy++)
        {
            for (var dx = -radius; dx <= radius; dx++)
            {
                yield return (((int)at.Y + dy) * image.Stride) + (((int)at.X + dx) * 3);
            }
        }
    }
}
