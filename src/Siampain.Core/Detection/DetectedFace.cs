using System.Numerics;
using System.Runtime.CompilerServices;

namespace Siampain.Detection;

/// <summary>A face found in an image, in that image's pixel coordinates.</summary>
public readonly record struct DetectedFace(FaceBox Box, float Score, FaceKeypoints Keypoints)
{
    /// <summary>Distance between the eye centres, in pixels: the usual measure of a face's usable size.</summary>
    public float EyeDistance => Vector2.Distance(Keypoints[FaceKeypoints.LeftEye], Keypoints[FaceKeypoints.RightEye]);
}

/// <summary>An axis-aligned box: top-left corner and size, in pixels.</summary>
public readonly record struct FaceBox(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;

    public float Bottom => Y + Height;

    public Vector2 Centre => new(X + (Width / 2), Y + (Height / 2));

    public float Area => Width * Height;

    public float IntersectionOverUnion(FaceBox other)
    {
        var left = MathF.Max(X, other.X);
        var top = MathF.Max(Y, other.Y);
        var right = MathF.Min(Right, other.Right);
        var bottom = MathF.Min(Bottom, other.Bottom);
        var intersection = MathF.Max(0, right - left) * MathF.Max(0, bottom - top);
        var union = Area + other.Area - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}

/// <summary>
/// BlazeFace's six keypoints. "Left" and "right" are as seen in the image (the subject's right eye is the
/// image's left eye), which is also how the alignment template is laid out.
/// </summary>
[InlineArray(Count)]
public struct FaceKeypoints
{
    public const int Count = 6;
    public const int LeftEye = 0;
    public const int RightEye = 1;
    public const int NoseTip = 2;
    public const int MouthCentre = 3;
    public const int LeftEar = 4;
    public const int RightEar = 5;

    private Vector2 _first;
}
