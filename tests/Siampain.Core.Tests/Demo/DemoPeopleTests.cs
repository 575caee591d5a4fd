using Siampain.Demo;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Demo;

public sealed class DemoPeopleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-demo-people-").FullName;
    private readonly FaceAnalyzer _analyzer = new(TestAssets.Manifest, "int8");

    [Fact]
    public void A_folder_per_person_enrols_the_first_photo_and_shows_the_others_at_the_door()
    {
        var photo = TestAssets.LoadSample(3);
        var faces = DoorFrames.FacesOf(photo);
        var person = Path.Combine(_folder, "Ann Lee");
        Directory.CreateDirectory(person);
        ImageFile.SavePng(DemoPeople.Portrait(new DemoView(photo, faces[0])), Path.Combine(person, "1.png"));
        ImageFile.SavePng(DemoPeople.Portrait(new DemoView(photo, faces[0])), Path.Combine(person, "2.png"));
        File.WriteAllText(Path.Combine(person, "3.jpg"), "not a photo");
        File.WriteAllText(Path.Combine(person, "notes.txt"), "ignored");
        var skipped = new List<string>();

        var people = DemoPeople.FromFolder(_folder, _analyzer, skipped.Add);

        var ann = Assert.Single(people);
        Assert.Equal("Ann-Lee", ann.Id);
        Assert.Equal("Ann Lee", ann.Name);
        Assert.Single(ann.DoorViews);
        Assert.Contains(skipped, s => s.Contains("3.jpg", StringComparison.Ordinal));
    }

    [Fact]
    public void A_door_cut_keeps_the_face_pixels_under_its_shifted_keypoints()
    {
        var photo = TestAssets.LoadSample(3);
        var face = DoorFrames.FacesOf(photo)[0];

        var cut = DemoPeople.Cut(new DemoView(photo, face));

        Assert.True(cut.Photo.Width < photo.Width && cut.Photo.Height < photo.Height);
        for (var k = 0; k < FaceKeypoints.Count; k++)
        {
            var before = face.Keypoints[k];
            var after = cut.Face.Keypoints[k];
            var o1 = ((int)before.Y * photo.Stride) + ((int)before.X * 3);
            var o2 = ((int)after.Y * cut.Photo.Stride) + ((int)after.X * 3);
            Assert.Equal(photo.Pixels.AsSpan(o1, 3).ToArray(), cut.Photo.Pixels.AsSpan(o2, 3).ToArray());
        }

        Assert.Equal(face.Box.Width, cut.Face.Box.Width);
    }

    [Fact]
    public void A_missing_folder_is_named_in_the_error()
    {
        var missing = Path.Combine(_folder, "nope");
        var e = Assert.Throws<DirectoryNotFoundException>(() => DemoPeople.FromFolder(missing, _analyzer));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_faces_says_what_layout_it_expects()
    {
        var person = Path.Combine(_folder, "empty-person");
        Directory.CreateDirectory(person);
        ImageFile.SavePng(new RgbImage(64, 64), Path.Combine(person, "blank.png"));
        var skipped = new List<string>();

        var e = Assert.Throws<InvalidDataException>(() => DemoPeople.FromFolder(_folder, _analyzer, skipped.Add));

        Assert.Contains("<folder>/<person>/<photo>", e.Message, StringComparison.Ordinal);
        Assert.Contains(skipped, s => s.Contains("no face found", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _analyzer.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
