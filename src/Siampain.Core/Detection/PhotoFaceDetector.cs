using Siampain.Imaging;

namespace Siampain.Detection;

/// <summary>
/// Finds faces of any size in a still photo (enrolment, evaluation, calibration): BlazeFace front only sees
/// faces that fill a good part of its 128x128 input, so the photo is also scanned with overlapping square
/// windows at halving sizes, and all windows' detections are merged. Costs tens of milliseconds on a
/// 2-megapixel photo; the live door camera uses the single-window detector instead.
/// </summary>
public sealed class PhotoFaceDetector : IFaceDetector
{
    /// <summary>
    /// Scanning a photo with dozens of windows gives dozens of chances for a false alarm, so a merged face must
    /// score higher than the single-window threshold. On the registry sample photos, real faces score 0.82 and
    /// up, the one false alarm (a dark shirt fold) 0.78.
    /// </summary>
    public const float DefaultMinScore = 0.8f;

    private readonly BlazeFaceDetector _detector;
    private readonly float _minScore;
    private readonly List<DetectedFace> _candidates = new(64);

    public PhotoFaceDetector(BlazeFaceDetector detector, float minScore = DefaultMinScore)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _minScore = minScore;
    }

    public void Detect(RgbImage image, List<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        _candidates.Clear();
        var whole = SquareWindow.Letterbox(image.Width, image.Height);
        _detector.AddCandidates(image, whole, _candidates);

        // Halve the window until it reaches the network's own resolution; half-window steps overlap every
        // face that fits a window in at least one of them.
        for (var side = whole.Side / 2; side >= _detector.InputSize; side /= 2)
        {
            var step = side / 2;
            for (var y = 0f; y < image.Height - step; y += step)
            {
                for (var x = 0f; x < image.Width - step; x += step)
                {
                    _detector.AddCandidates(image, new SquareWindow(x, y, side), _candidates);
                }
            }
        }

        WeightedNms.Merge(_candidates, _detector.NmsIouThreshold, faces);
        faces.RemoveAll(face => face.Score < _minScore);
    }
}
