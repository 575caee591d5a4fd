namespace Siampain.Imaging;

/// <summary>A square region of an image, in pixels; it may reach past the image's edges (that part reads as black).</summary>
public readonly record struct SquareWindow(float X, float Y, float Side)
{
    /// <summary>The smallest square centred on the image that holds all of it.</summary>
    public static SquareWindow Letterbox(int width, int height)
    {
        var side = Math.Max(width, height);
        return new SquareWindow(-(side - width) / 2f, -(side - height) / 2f, side);
    }
}
