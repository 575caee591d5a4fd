using System.Globalization;
using System.Numerics;
using Siampain.Imaging;
using StbImageSharp;

namespace Siampain.Masking;

/// <summary>
/// An RGBA picture of a mask with six anchor points (MaskTheFace's layout: a, b, c along the upper edge, d, e, f
/// along the lower edge). Painting warps it onto the face with a homography and alpha-blends it.
/// </summary>
public sealed class MaskTemplate
{
    private readonly byte[] _rgba;

    private MaskTemplate(string name, int width, int height, byte[] rgba, Vector2[] anchors)
    {
        Name = name;
        Width = width;
        Height = height;
        _rgba = rgba;
        Anchors = anchors;
    }

    public string Name { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>a, b, c, d, e, f in template pixels, in the order of <see cref="MaskAnchors.ToArray"/>.</summary>
    public IReadOnlyList<Vector2> Anchors { get; }

    /// <summary>Reads every template of a MaskTheFace-style folder: masks.cfg plus templates/*.png.</summary>
    public static IReadOnlyList<MaskTemplate> LoadFolder(string folder)
    {
        var config = Path.Combine(folder, "masks.cfg");
        if (!File.Exists(config))
        {
            throw new FileNotFoundException($"{config}: no mask configuration; pass the folder holding masks.cfg and templates/.", config);
        }

        var templates = new List<MaskTemplate>();
        string? section = null;
        string? file = null;
        var anchors = new Dictionary<string, Vector2>();
        foreach (var raw in File.ReadLines(config).Append("[end]"))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.StartsWith('['))
            {
                if (section is not null && file is not null && anchors.Count == 6)
                {
                    var path = Path.Combine(folder, "templates", Path.GetFileName(file));
                    if (File.Exists(path))
                    {
                        templates.Add(Load(section, path, [anchors["mask_a"], anchors["mask_b"], anchors["mask_c"], anchors["mask_d"], anchors["mask_e"], anchors["mask_f"]]));
                    }
                }

                section = line.Trim('[', ']');
                file = null;
                anchors.Clear();
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "template")
            {
                file = value;
            }
            else if (key.StartsWith("mask_", StringComparison.Ordinal))
            {
                var xy = value.Split(',');
                anchors[key] = new Vector2(float.Parse(xy[0], CultureInfo.InvariantCulture), float.Parse(xy[1], CultureInfo.InvariantCulture));
            }
        }

        return templates.Count > 0 ? templates : throw new InvalidDataException($"{config}: no usable mask template found.");
    }

    public static MaskTemplate Load(string name, string pngPath, Vector2[] anchors)
    {
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(File.ReadAllBytes(pngPath), StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidImageException(pngPath, $"is not a readable RGBA mask template ({e.Message})", e);
        }

        return new MaskTemplate(name, image.Width, image.Height, image.Data, anchors);
    }

    /// <summary>Paints the mask onto <paramref name="image"/> in place, its anchors on <paramref name="target"/>.</summary>
    public void Paint(RgbImage image, in MaskAnchors target)
    {
        ArgumentNullException.ThrowIfNull(image);
        var points = target.ToArray();
        var toTemplate = Homography.Fit(points, [.. Anchors]);
        var minX = (int)MathF.Max(0, MathF.Floor(points.Min(p => p.X)) - 2);
        var maxX = (int)MathF.Min(image.Width - 1, MathF.Ceiling(points.Max(p => p.X)) + 2);
        var minY = (int)MathF.Max(0, MathF.Floor(points.Min(p => p.Y)) - 2);
        var maxY = (int)MathF.Min(image.Height - 1, MathF.Ceiling(points.Max(p => p.Y)) + 2);
        var pixels = image.Pixels;
        Span<float> rgba = stackalloc float[4];
        for (var y = minY; y <= maxY; y++)
        {
            for (var x = minX; x <= maxX; x++)
            {
                var t = toTemplate.Apply(new Vector2(x, y));
                if (t.X < 0 || t.Y < 0 || t.X > Width - 1 || t.Y > Height - 1)
                {
                    continue;
                }

                var x0 = (int)t.X;
                var y0 = (int)t.Y;
                var x1 = Math.Min(x0 + 1, Width - 1);
                var y1 = Math.Min(y0 + 1, Height - 1);
                var fx = t.X - x0;
                var fy = t.Y - y0;
                var o = (y * image.Stride) + (x * 3);
                for (var c = 0; c < 4; c++)
                {
                    rgba[c] = ((1 - fy) * (((1 - fx) * _rgba[(((y0 * Width) + x0) * 4) + c]) + (fx * _rgba[(((y0 * Width) + x1) * 4) + c])))
                        + (fy * (((1 - fx) * _rgba[(((y1 * Width) + x0) * 4) + c]) + (fx * _rgba[(((y1 * Width) + x1) * 4) + c])));
                }

                var alpha = rgba[3] / 255f;
                for (var c = 0; c < 3; c++)
                {
                    pixels[o + c] = (byte)Math.Clamp(MathF.Round((alpha * rgba[c]) + ((1 - alpha) * pixels[o + c])), 0, 255);
                }
            }
        }
    }
}
