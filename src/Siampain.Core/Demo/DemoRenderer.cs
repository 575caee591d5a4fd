using System.Numerics;
using Siampain.Imaging;
using Siampain.Masking;

namespace Siampain.Demo;

/// <summary>
/// Paints the clip's frames: a corridor seen from the door, and the person of a passage cut out of their photo
/// (head and shoulders, feathered edges) and warped onto it as they walk up: growing, drifting to the centre,
/// mirrored, tilted, in perspective, lit differently, slightly blurred, with their mask if they wear one. A little
/// sensor noise keeps consecutive frames from being identical. Not thread-safe: one renderer per clip player.
/// </summary>
public sealed class DemoRenderer
{
    // The cut-out around a face, in face-box widths: an upright ellipse reaching the neck, narrow enough to leave out
    // the neighbours of a group photo.
    private const float HalfWidthOfCut = 0.78f;
    private const float HalfHeightOfCut = 1.1f;
    private const float CutCentreBelowFace = 0.18f;
    private const float Feather = 0.3f;

    private readonly DemoClipOptions _options;
    private readonly RgbImage _background;
    private DemoPassage? _cachedPassage;
    private RgbImage? _cachedSource;
    private uint _noise = 0x9E3779B9;

    public DemoRenderer(DemoClipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _background = Corridor(options.Width, options.Height);
    }

    public RgbImage Render(ClipFrame frame)
    {
        var image = new RgbImage(_options.Width, _options.Height);
        RenderInto(frame, image);
        return image;
    }

    /// <summary>Paints <paramref name="frame"/> into <paramref name="target"/> (Width x Height of the options).</summary>
    public void RenderInto(ClipFrame frame, RgbImage target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var length = _options.Width * _options.Height * 3;
        _background.Pixels.AsSpan(0, length).CopyTo(target.Pixels);
        if (frame.Passage is { } passage)
        {
            DrawPerson(passage, frame.Progress, target);
        }

        AddNoise(target.Pixels.AsSpan(0, length));
    }

    /// <summary>
    /// A frame with several people at once (benchmarks: a group at the door): each face drawn at the given centre
    /// and width, on the corridor, with sensor noise.
    /// </summary>
    public RgbImage Group(IReadOnlyList<(DemoPassage Passage, Vector2 Centre, float FaceWidth)> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        var image = new RgbImage(_options.Width, _options.Height);
        var length = _options.Width * _options.Height * 3;
        _background.Pixels.AsSpan(0, length).CopyTo(image.Pixels);
        foreach (var (passage, centre, faceWidth) in people)
        {
            DrawPerson(passage, centre, faceWidth, image);
        }

        AddNoise(image.Pixels.AsSpan(0, length));
        return image;
    }

    private void DrawPerson(DemoPassage passage, float progress, RgbImage target)
    {
        // Walking up: the face grows (faster at the end, as perspective does) and drifts from the side to the centre.
        var eased = progress * progress;
        var faceWidth = _options.StartFaceWidth + ((_options.EndFaceWidth - _options.StartFaceWidth) * eased);
        var side = passage.Look.FromLeft ? -1 : 1;
        var centre = new Vector2(
            (_options.Width / 2f) + (side * _options.Width * 0.18f * (1 - progress)),
            (_options.Height * 0.4f) + (_options.Height * 0.06f * (1 - progress)));
        DrawPerson(passage, centre, faceWidth, target);
    }

    private void DrawPerson(DemoPassage passage, Vector2 centre, float faceWidth, RgbImage target)
    {
        var source = SourceOf(passage);
        var look = passage.Look;
        var box = passage.View.Face.Box;
        var scale = faceWidth / box.Width;
        var cutCentre = box.Centre + new Vector2(0, CutCentreBelowFace * box.Width);
        var halfWidth = HalfWidthOfCut * box.Width;
        var halfHeight = HalfHeightOfCut * box.Width;
        var angle = look.RollDegrees * MathF.PI / 180f;
        var (sin, cos) = MathF.SinCos(angle);

        // Perspective from a small head turn: w = 1 + p x, one side of the face a few percent larger than the other.
        var perspective = look.Turn / faceWidth;
        var reach = halfHeight * scale * 1.25f;
        var minX = Math.Max(0, (int)(centre.X - reach));
        var maxX = Math.Min(_options.Width - 1, (int)(centre.X + reach));
        var minY = Math.Max(0, (int)(centre.Y - reach));
        var maxY = Math.Min(_options.Height - 1, (int)(centre.Y + reach));
        var gain = new Vector3(look.Light * (1 + look.Warmth), look.Light, look.Light * (1 - look.Warmth));
        var blur = look.Blur;
        Span<float> rgb = stackalloc float[3];
        var pixels = target.Pixels;
        for (var y = minY; y <= maxY; y++)
        {
            for (var x = minX; x <= maxX; x++)
            {
                var (sx, sy) = ToSource(x - centre.X, y - centre.Y);
                var ex = sx / halfWidth;
                var ey = sy / halfHeight;
                var r = MathF.Sqrt((ex * ex) + (ey * ey));
                if (r >= 1)
                {
                    continue;
                }

                rgb.Clear();
                if (blur < 0.05f)
                {
                    Resampler.SampleAccumulate(source, cutCentre.X + sx, cutCentre.Y + sy, 1, rgb);
                }
                else
                {
                    // Four taps spread over the blur radius (in frame pixels, mapped back to the photo).
                    foreach (var (dx, dy) in (ReadOnlySpan<(float, float)>)[(-1, -1), (1, -1), (-1, 1), (1, 1)])
                    {
                        var (bx, by) = ToSource(x - centre.X + (dx * blur), y - centre.Y + (dy * blur));
                        Resampler.SampleAccumulate(source, cutCentre.X + bx, cutCentre.Y + by, 0.25f, rgb);
                    }
                }

                var alpha = MathF.Min(1, (1 - r) / Feather);
                var o = (y * target.Stride) + (x * 3);
                pixels[o] = Mix(pixels[o], rgb[0] * gain.X, alpha);
                pixels[o + 1] = Mix(pixels[o + 1], rgb[1] * gain.Y, alpha);
                pixels[o + 2] = Mix(pixels[o + 2], rgb[2] * gain.Z, alpha);
            }
        }

        // From frame offsets (relative to where the face is drawn) back to photo offsets (relative to the cut's centre).
        (float X, float Y) ToSource(float fx, float fy)
        {
            var w = 1 - (perspective * fx);
            var px = fx / w;
            var py = fy / w;
            var ux = ((cos * px) + (sin * py)) / scale;
            var uy = ((-sin * px) + (cos * py)) / scale;
            return (look.Mirrored ? -ux : ux, uy);
        }
    }

    /// <summary>The passage's photo, with the mask painted on if the person wears one; kept while the passage lasts.</summary>
    private RgbImage SourceOf(DemoPassage passage)
    {
        if (ReferenceEquals(_cachedPassage, passage) && _cachedSource is not null)
        {
            return _cachedSource;
        }

        var source = passage.View.Photo;
        if (passage.Look.Mask is { } style)
        {
            source = source.Clone();
            SyntheticMask.Paint(source, passage.View.Face, style);
        }

        _cachedPassage = passage;
        _cachedSource = source;
        return source;
    }

    private void AddNoise(Span<byte> pixels)
    {
        // xorshift32: cheap, and the same clip always gets the same grain.
        var state = _noise;
        for (var i = 0; i < pixels.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            var delta = (int)(state & 7) - 3;
            pixels[i] = (byte)Math.Clamp(pixels[i] + delta, 0, 255);
        }

        _noise = state;
    }

    private static byte Mix(byte background, float value, float alpha) =>
        (byte)Math.Clamp(MathF.Round((alpha * value) + ((1 - alpha) * background)), 0, 255);

    /// <summary>A plain corridor: a lit wall fading down, a door frame, a floor, a notice board. No faces.</summary>
    private static RgbImage Corridor(int width, int height)
    {
        var image = new RgbImage(width, height);
        var floor = (int)(height * 0.72f);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                Vector3 colour;
                if (y >= floor)
                {
                    colour = new Vector3(120, 105, 90) * (0.8f + (0.2f * (y - floor) / (height - floor)));
                }
                else
                {
                    var light = 1.05f - (0.25f * y / floor) - (0.1f * MathF.Abs((x / (float)width) - 0.5f));
                    colour = new Vector3(205, 198, 182) * light;
                }

                var doorLeft = width * 0.3f;
                var doorRight = width * 0.7f;
                var doorTop = height * 0.08f;
                var onFrame = y >= doorTop && y < floor && ((x >= doorLeft - 10 && x < doorLeft) || (x >= doorRight && x < doorRight + 10));
                if (onFrame || (y >= doorTop - 10 && y < doorTop && x >= doorLeft - 10 && x < doorRight + 10))
                {
                    colour = new Vector3(95, 80, 65);
                }
                else if (x > width * 0.78f && x < width * 0.95f && y > height * 0.25f && y < height * 0.45f)
                {
                    colour = new Vector3(60, 95, 70);
                }

                var o = (y * image.Stride) + (x * 3);
                image.Pixels[o] = (byte)Math.Clamp(colour.X, 0, 255);
                image.Pixels[o + 1] = (byte)Math.Clamp(colour.Y, 0, 255);
                image.Pixels[o + 2] = (byte)Math.Clamp(colour.Z, 0, 255);
            }
        }

        return image;
    }
}
