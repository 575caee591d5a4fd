namespace Siampain.Masking;

/// <summary>
/// The masks the project paints on a person's own enrolment photos to make masked templates: three cuts that look
/// unlike each other (pleated light-blue surgical, plain black cloth, white KN95), so that a masked face at the door
/// finds a template whose lower half looks roughly like its own. The same styles are used by evaluation to play
/// enrolment, and never the MaskTheFace templates evaluation grades with.
/// </summary>
public static class EnrolmentMasks
{
    public static IReadOnlyList<SyntheticMaskStyle> Styles { get; } =
    [
        new(MaskShape.Surgical, new(120, 170, 210), new(120, 170, 210), MaskTexture.Pleats, 1f, 0.05f, 1),
        new(MaskShape.Cloth, new(30, 30, 34), new(30, 30, 34), MaskTexture.Noise, 1f, 0.03f, 2),
        new(MaskShape.Kn95, new(235, 238, 240), new(235, 238, 240), MaskTexture.Plain, 0.98f, 0.03f, 3),
    ];
}
