using System.Numerics;
using Siampain.Detection;

namespace Siampain.Evaluation;

/// <summary>
/// Keypoints for aligning a face by its eyes alone. On a masked face the detector's nose and mouth points are
/// guesses through fabric and wander, so the crop's scale and position wander with them; the eyes stay visible.
/// The nose and mouth are replaced by where the alignment template puts them relative to the eyes, so the aligner's
/// least-squares fit reduces to the exact two-point similarity of the eyes.
/// </summary>
public static class EyeAlignment
{
    /// <param name="template">The embedder's alignment template (x0, y0, ... for eyes, nose, mouth corners).</param>
    public static DetectedFace FromEyes(in DetectedFace face, IReadOnlyList<float> template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var leftTemplate = new Vector2(template[0], template[1]);
        var rightTemplate = new Vector2(template[2], template[3]);
        var noseTemplate = new Vector2(template[4], template[5]);
        var mouthTemplate = (new Vector2(template[6], template[7]) + new Vector2(template[8], template[9])) / 2;
        var leftEye = face.Keypoints[FaceKeypoints.LeftEye];
        var rightEye = face.Keypoints[FaceKeypoints.RightEye];

        // The similarity as a complex multiplication: z = (right - left) / (rightTemplate - leftTemplate).
        var across = rightTemplate - leftTemplate;
        var seen = rightEye - leftEye;
        var denominator = across.LengthSquared();
        var z = new Vector2(((seen.X * across.X) + (seen.Y * across.Y)) / denominator, ((seen.Y * across.X) - (seen.X * across.Y)) / denominator);
        Vector2 Map(Vector2 p)
        {
            var d = p - leftTemplate;
            return leftEye + new Vector2((z.X * d.X) - (z.Y * d.Y), (z.X * d.Y) + (z.Y * d.X));
        }

        var keypoints = face.Keypoints;
        keypoints[FaceKeypoints.NoseTip] = Map(noseTemplate);
        keypoints[FaceKeypoints.MouthCentre] = Map(mouthTemplate);
        return face with { Keypoints = keypoints };
    }
}
