using Siampain.Detection;
using Siampain.Hosting;
using Siampain.Imaging;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Storage;

namespace Siampain.Tests.Hosting;

/// <summary>Enrolment photos through the real detector, gate and embedder; templates into a real database file.</summary>
public sealed class PhotoEnrollerTests : IDisposable
{
    private readonly FaceAnalyzer _analyzer = new(TestAssets.Manifest, "int8");
    private readonly PhotoEnroller _enroller;
    private readonly TempDatabase _temp = new();
    private readonly RgbImage _photo = TestAssets.LoadSample(3);
    private readonly List<DetectedFace> _faces;

    public PhotoEnrollerTests()
    {
        _enroller = new PhotoEnroller(_analyzer, new RecognitionOptions());
        _faces = DoorFrames.FacesOf(_photo);
    }

    public void Dispose()
    {
        _analyzer.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void A_portrait_of_one_face_gives_a_template_that_matches_the_face()
    {
        var check = _enroller.Check(Save("portrait.png", DoorFrames.Around(_photo, _faces[0])));

        Assert.True(check.Usable, check.Problem);
        var cosine = System.Numerics.Tensors.TensorPrimitives.Dot(check.Embedding!, _analyzer.Embed(_photo, _faces[0]));
        Assert.True(cosine > 0.8f, $"cosine {cosine}");
    }

    [Fact]
    public void A_registry_photo_of_several_people_is_refused()
    {
        var check = _enroller.Check(TestAssets.SamplePhotoPaths[0]);

        Assert.False(check.Usable);
        Assert.Matches("^[2-9] faces found; an enrolment photo must show only the person", check.Problem);
    }

    [Fact]
    public void A_photo_without_a_face_is_refused()
    {
        var wall = new RgbImage(640, 480);
        wall.Pixels.AsSpan().Fill(128);

        var check = _enroller.Check(Save("wall.png", wall));

        Assert.Equal("no face found", check.Problem);
    }

    [Fact]
    public void A_blurred_face_is_refused_by_the_doors_quality_gate()
    {
        var check = _enroller.Check(Save("blurred.png", DoorFrames.Around(_photo, _faces[0], blurRadius: 4)));

        Assert.StartsWith("the face is too blurred (sharpness ", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_face_too_small_to_trust_is_refused()
    {
        // A thumbnail: the face is found, but with so few pixels between the eyes its embedding is unreliable.
        var check = _enroller.Check(Save("thumbnail.png", DoorFrames.Around(_photo, _faces[0], width: 160, height: 120, faceShareOfWidth: 0.3f)));

        Assert.Matches("^the face is too small \\(\\d+ px between the eyes, at least 28 needed\\)$", check.Problem);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_an_error_naming_it()
    {
        var path = Path.Combine(_temp.Folder, "notes.txt");
        File.WriteAllText(path, "not a photo");

        var error = Assert.Throws<InvalidImageException>(() => _enroller.Check(path));
        Assert.StartsWith($"{path}: is not a readable image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Usable_photos_are_stored_as_templates_of_the_embedder_and_the_rest_are_left_out()
    {
        using var db = _temp.Open();
        var people = new PeopleStore(db);
        PhotoCheck[] checks =
        [
            _enroller.Check(Save("ann-1.png", DoorFrames.Around(_photo, _faces[0]))),
            _enroller.Check(TestAssets.SamplePhotoPaths[0]),
            _enroller.Check(Save("ann-2.png", DoorFrames.Around(_photo, _faces[0], faceShareOfWidth: 0.4f))),
        ];

        var stored = PhotoEnroller.Store(people, "ann", "Ann", checks, _enroller.ModelId, masked: true, _temp.Time.GetUtcNow());

        Assert.Equal(2, stored);
        Assert.Equal("Ann", people.Find("ann")!.Name);
        var templates = people.ListTemplates(_enroller.ModelId);
        Assert.Equal(["ann-1.png", "ann-2.png"], templates.Select(t => t.Source).Order(StringComparer.Ordinal));
        Assert.All(templates, t => Assert.True(t.Masked));
    }

    [Fact]
    public void Nothing_is_written_when_no_photo_is_usable()
    {
        using var db = _temp.Open();
        var people = new PeopleStore(db);
        PhotoCheck[] checks = [_enroller.Check(TestAssets.SamplePhotoPaths[0])];

        var error = Assert.Throws<EnrolmentException>(() => PhotoEnroller.Store(people, "ann", "Ann", checks, _enroller.ModelId, false, _temp.Time.GetUtcNow()));

        Assert.Equal("None of the 1 photo(s) shows exactly one clear face; nothing was stored for 'ann'.", error.Message);
        Assert.Empty(people.List());
        Assert.Empty(people.ListTemplates());
    }

    [Fact]
    public void A_new_person_needs_a_name_and_an_enrolled_one_keeps_theirs()
    {
        using var db = _temp.Open();
        var people = new PeopleStore(db);
        PhotoCheck[] checks = [_enroller.Check(Save("ann.png", DoorFrames.Around(_photo, _faces[0])))];

        var error = Assert.Throws<EnrolmentException>(() => PhotoEnroller.Store(people, "ann", null, checks, _enroller.ModelId, false, _temp.Time.GetUtcNow()));
        Assert.Equal("'ann' is not enrolled yet: give the person's name with --name.", error.Message);
        Assert.Empty(people.List());

        PhotoEnroller.Store(people, "ann", "Ann", checks, _enroller.ModelId, false, _temp.Time.GetUtcNow());
        PhotoEnroller.Store(people, "ann", null, checks, _enroller.ModelId, false, _temp.Time.GetUtcNow());
        Assert.Equal("Ann", people.Find("ann")!.Name);
        Assert.Equal(2 * (1 + MaskedTemplates.Count), people.CountTemplates("ann"));
    }

    private string Save(string name, RgbImage image)
    {
        var path = Path.Combine(_temp.Folder, name);
        ImageFile.SavePng(image, path);
        return path;
    }
}
