namespace Siampain.ModelTools.Quantization;

/// <summary>
/// A calibrated activation range and the uint8 parameters derived from it. The ends are rounded outwards to a
/// grid of 1/32 of their power-of-two magnitude, so calibration runs that differ in the last float bits (another
/// CPU, another ORT build) still write the same bytes.
/// </summary>
internal readonly record struct ActivationRange(float Min, float Max)
{
    private const int GridBitsBelowMagnitude = 5;

    public float Scale => (Max - Min) / 255f;

    public byte ZeroPoint => (byte)Math.Clamp(MathF.Round(-Min / Scale, MidpointRounding.ToEven), 0, 255);

    /// <summary>Widens to include zero (uint8 must represent it exactly) and rounds the ends outwards to the grid.</summary>
    public static ActivationRange Coarse(float min, float max)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        var magnitude = Math.Max(Math.Max(-min, max), 1e-6f);
        var quantum = MathF.Pow(2f, MathF.Floor(MathF.Log2(magnitude)) - GridBitsBelowMagnitude);
        var coarseMin = MathF.Floor(min / quantum) * quantum;
        var coarseMax = MathF.Ceiling(max / quantum) * quantum;
        if (coarseMax - coarseMin < quantum)
        {
            coarseMax = coarseMin + quantum;
        }

        return new ActivationRange(coarseMin, coarseMax);
    }
}
