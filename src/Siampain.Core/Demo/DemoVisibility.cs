using Siampain.Detection;
using Siampain.Pipeline;

namespace Siampain.Demo;

/// <summary>
/// Asks the terminal's own detector and quality gate whether they would see a walk-up's face on the way to the door:
/// one face, big enough, not turned or tilted too far.
/// </summary>
public static class DemoVisibility
{
    // Points of the walk-up that must show a face: enough of the approach for the votes a decision needs.
    private static readonly float[] Checked = [0.55f, 0.7f, 0.85f, 1f];

    public static Func<DemoPassage, bool> Detector(IFaceDetector detector, DemoClipOptions options, RecognitionOptions? quality = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        var gate = quality ?? new RecognitionOptions();
        var renderer = new DemoRenderer(options);
        var faces = new List<DetectedFace>();
        return passage => Checked.All(progress =>
        {
            detector.Detect(renderer.Render(new ClipFrame(passage.At, passage, progress)), faces);
            return faces.Count == 1 && FaceQuality.CheckGeometry(faces[0], gate) == QualityVerdict.Good;
        });
    }
}
