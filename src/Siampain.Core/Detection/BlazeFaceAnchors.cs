using System.Numerics;

namespace Siampain.Detection;

/// <summary>
/// The 896 SSD anchors of BlazeFace front: a 16x16 grid with 2 anchors per cell, then an 8x8 grid with 6,
/// all of unit size, centres in [0,1]. Ordered as the model's outputs: (row * cells + col) * perCell + a.
/// </summary>
internal static class BlazeFaceAnchors
{
    public static readonly (int Cells, int PerCell)[] Layers = [(16, 2), (8, 6)];

    public static Vector2[] Create()
    {
        var anchors = new List<Vector2>(896);
        foreach (var (cells, perCell) in Layers)
        {
            for (var row = 0; row < cells; row++)
            {
                for (var col = 0; col < cells; col++)
                {
                    var centre = new Vector2((col + 0.5f) / cells, (row + 0.5f) / cells);
                    for (var a = 0; a < perCell; a++)
                    {
                        anchors.Add(centre);
                    }
                }
            }
        }

        return [.. anchors];
    }
}
