using Siampain.Imaging;
using Siampain.Models;

namespace Siampain.ModelTools.Quantization;

/// <summary>
/// The real faces split once, by position, into calibration and held-out faces. Calibration crops are augmented
/// (mirror, small shifts, brightness) to give the activation statistics more variety than 15 faces have; the
/// held-out faces are never seen by calibration or layer selection.
/// </summary>
internal sealed class CalibrationFaces
{
    /// <summary>Every third face (1, 4, 7, ...) is held out.</summary>
    public const int HeldOutEvery = 3;

    private const int Shift = 3;

    public CalibrationFaces(IReadOnlyList<FaceCrop> faces, PixelNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var calibration = faces.Where((_, i) => i % HeldOutEvery != 1).ToList();
        var heldOut = faces.Where((_, i) => i % HeldOutEvery == 1).ToList();
        if (calibration.Count == 0 || heldOut.Count == 0)
        {
            throw new InvalidOperationException($"need at least 2 faces to calibrate and evaluate, found {faces.Count}");
        }

        CalibrationSources = [.. calibration.Select(f => f.Source)];
        HeldOutSources = [.. heldOut.Select(f => f.Source)];
        Calibration = Batch(calibration.SelectMany(f => Augment(f.Image)).ToList(), normalization);
        Selection = Batch(calibration.SelectMany(f => new[] { f.Image, Mirror(f.Image) }).ToList(), normalization);
        HeldOut = Batch(heldOut.SelectMany(f => new[] { f.Image, Mirror(f.Image) }).ToList(), normalization);
    }

    public IReadOnlyList<string> CalibrationSources { get; }

    public IReadOnlyList<string> HeldOutSources { get; }

    /// <summary>Augmented calibration crops: activation ranges come from these.</summary>
    public CropBatch Calibration { get; }

    /// <summary>Calibration faces and their mirror images: layer selection measures cosine on these.</summary>
    public CropBatch Selection { get; }

    /// <summary>Held-out faces and their mirror images: the final int8 vs fp32 figures.</summary>
    public CropBatch HeldOut { get; }

    private static CropBatch Batch(List<RgbImage> crops, PixelNormalization normalization) =>
        new(FaceCrops.ToTensor(crops, normalization), crops.Count);

    private static IEnumerable<RgbImage> Augment(RgbImage crop)
    {
        var mirrored = Mirror(crop);
        yield return crop;
        yield return mirrored;
        yield return Shifted(crop, Shift, Shift);
        yield return Shifted(mirrored, -Shift, Shift);
        yield return Brightness(crop, 0.8f);
        yield return Brightness(mirrored, 1.2f);
    }

    public static RgbImage Mirror(RgbImage crop) => Remap(crop, (x, y) => (crop.Width - 1 - x, y), 1f);

    private static RgbImage Shifted(RgbImage crop, int dx, int dy) => Remap(crop, (x, y) => (x - dx, y - dy), 1f);

    private static RgbImage Brightness(RgbImage crop, float gain) => Remap(crop, (x, y) => (x, y), gain);

    private static RgbImage Remap(RgbImage crop, Func<int, int, (int X, int Y)> source, float gain)
    {
        var result = new RgbImage(crop.Width, crop.Height);
        for (var y = 0; y < crop.Height; y++)
        {
            for (var x = 0; x < crop.Width; x++)
            {
                var (sx, sy) = source(x, y);
                var from = ((Math.Clamp(sy, 0, crop.Height - 1) * crop.Width) + Math.Clamp(sx, 0, crop.Width - 1)) * 3;
                var to = ((y * crop.Width) + x) * 3;
                for (var k = 0; k < 3; k++)
                {
                    result.Pixels[to + k] = (byte)Math.Clamp(MathF.Round(crop.Pixels[from + k] * gain), 0, 255);
                }
            }
        }

        return result;
    }
}
