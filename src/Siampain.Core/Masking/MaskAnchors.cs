using System.Numerics;
using Siampain.Detection;

namespace Siampain.Masking;

/// <summary>
/// Where a mask's six anchors go on a face, estimated from BlazeFace's keypoints (which have no jaw line):
/// top centre on the nose bridge, upper corners near the ears at nose level, lower corners at the jaw below
/// the mouth, bottom centre under the chin. Placed so that the mask covers the nose as real masks do: a mask
/// that leaves the nose tip visible flatters masked accuracy by several points.
/// </summary>
public readonly record struct MaskAnchors(Vector2 UpperLeft, Vector2 TopCentre, Vector2 UpperRight, Vector2 LowerLeft, Vector2 BottomCentre, Vector2 LowerRight)
{
    /// <summary>How far the head is turned: the nose tip's offset from the eyes' mid-point, in eye distances (negative = towards the image's left).</summary>
    public static float Yaw(in DetectedFace face)
    {
        var leftEye = face.Keypoints[FaceKeypoints.LeftEye];
        var rightEye = face.Keypoints[FaceKeypoints.RightEye];
        var across = rightEye - leftEye;
        var eyeDistance = across.Length();
        return eyeDistance < 1e-3f ? 0 : Vector2.Dot(face.Keypoints[FaceKeypoints.NoseTip] - ((leftEye + rightEye) / 2), across / eyeDistance) / eyeDistance;
    }

    public static MaskAnchors Estimate(in DetectedFace face)
    {
        var leftEye = face.Keypoints[FaceKeypoints.LeftEye];
        var rightEye = face.Keypoints[FaceKeypoints.RightEye];
        var nose = face.Keypoints[FaceKeypoints.NoseTip];
        var mouth = face.Keypoints[FaceKeypoints.MouthCentre];
        var eyes = (leftEye + rightEye) / 2;
        var across = Vector2.Normalize(rightEye - leftEye);
        var down = new Vector2(-across.Y, across.X);
        var eyeToMouth = Vector2.Dot(mouth - eyes, down);

        // Half face width at nose level from the ear keypoints, measured from the nose along the eye line.
        var leftHalf = MathF.Abs(Vector2.Dot(face.Keypoints[FaceKeypoints.LeftEar] - nose, across));
        var rightHalf = MathF.Abs(Vector2.Dot(face.Keypoints[FaceKeypoints.RightEar] - nose, across));
        var noseLine = nose - (down * 0.1f * eyeToMouth);
        var jawLine = mouth + (down * 0.25f * eyeToMouth);
        return new MaskAnchors(
            UpperLeft: noseLine - (across * 0.92f * leftHalf),
            TopCentre: eyes + (down * 0.4f * Vector2.Dot(nose - eyes, down)) + (across * Vector2.Dot(nose - eyes, across) * 0.5f),
            UpperRight: noseLine + (across * 0.92f * rightHalf),
            LowerLeft: jawLine - (across * 0.75f * leftHalf),
            BottomCentre: mouth + (down * 0.85f * eyeToMouth),
            LowerRight: jawLine + (across * 0.75f * rightHalf));
    }

    public Vector2[] ToArray() => [UpperLeft, TopCentre, UpperRight, LowerLeft, BottomCentre, LowerRight];
}
