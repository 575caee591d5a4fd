using Siampain.Detection;
using Siampain.Masking;

namespace Siampain.Pipeline;

/// <summary>Why a face was not used for recognition.</summary>
public enum QualityVerdict
{
    Good,
    TooSmall,
    TurnedAway,
    Tilted,
    Blurred,
}

/// <summary>
/// The quality gate: faces too far away, turned or tilted too much, or blurred give poor embeddings and wrong
/// votes, so they are tracked but not recognised. Geometry is checked on the keypoints before any pixel work;
/// sharpness on the aligned crop, which is already in the network's input tensor.
/// </summary>
public static class FaceQuality
{
    public static QualityVerdict CheckGeometry(in DetectedFace face, RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (face.EyeDistance < options.MinEyeDistance)
        {
            return QualityVerdict.TooSmall;
        }

        if (MathF.Abs(MaskAnchors.Yaw(face)) > options.MaxYaw)
        {
            return QualityVerdict.TurnedAway;
        }

        var eyes = face.Keypoints[FaceKeypoints.RightEye] - face.Keypoints[FaceKeypoints.LeftEye];
        var roll = MathF.Atan2(eyes.Y, eyes.X) * 180f / MathF.PI;
        return MathF.Abs(roll) > options.MaxRollDegrees ? QualityVerdict.Tilted : QualityVerdict.Good;
    }

    /// <summary>
    /// Variance of the 4-neighbour Laplacian of the green channel over the centre of an aligned crop held as a
    /// normalised NHWC tensor, in grey levels squared (the normalisation's scale is undone).
    /// </summary>
    public static float Sharpness(ReadOnlySpan<float> crop, int size, float std)
    {
        var margin = size / 7;
        double sum = 0, sumSquares = 0;
        var count = 0;
        for (var y = margin; y < size - margin; y++)
        {
            for (var x = margin; x < size - margin; x++)
            {
                var centre = crop[(((y * size) + x) * 3) + 1];
                var laplacian = crop[((((y - 1) * size) + x) * 3) + 1] + crop[((((y + 1) * size) + x) * 3) + 1]
                    + crop[(((y * size) + x - 1) * 3) + 1] + crop[(((y * size) + x + 1) * 3) + 1] - (4 * centre);
                sum += laplacian;
                sumSquares += laplacian * laplacian;
                count++;
            }
        }

        var mean = sum / count;
        return (float)(((sumSquares / count) - (mean * mean)) * std * std);
    }
}
