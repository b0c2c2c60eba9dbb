"""Demo places: three hubs and a few villages in mountain communes."""

from places.models import Commune, Hub, Village

HUBS = [
    {
        "name": "Điểm tiếp nhận Đông Hà",
        "commune": "19333",
        "address": "Sở Khoa học và Công nghệ, 204 Hùng Vương, Phường Đông Hà",
        "phone": "+842333852123",
        "serves": ["19333", "19351", "19564", "19567", "19588", "19594", "19597", "19366"],
    },
    {
        "name": "Điểm tiếp nhận Khe Sanh",
        "commune": "19429",
        "address": "Trung tâm Chuyển đổi số, 12 Lê Duẩn, Xã Khe Sanh",
        "phone": "+842333880456",
        "serves": ["19429", "19432", "19435", "19441", "19462", "19483", "19489", "19555"],
    },
    {
        "name": "Điểm tiếp nhận Đồng Hới",
        "commune": "18880",
        "address": "Trung tâm Chuyển đổi số, 2 Quang Trung, Phường Đồng Hới",
        "phone": "+842323822789",
        "serves": ["18880", "18904", "18922", "18943", "18958", "19147", "19204", "19318"],
    },
]

VILLAGES = {
    "19588": ["Bản A Vao", "Bản Tà Rụt 1", "Bản Vực Leng", "Bản A Đeng"],
    "19441": ["Bản Cheng", "Bản Ta Păng", "Bản Hướng Phùng"],
    "19489": ["Bản Cu Ôi", "Bản Ra Ly", "Bản A Xóc"],
    "19483": ["Bản A Dơi Cô", "Bản Prin"],
    "18904": ["Bản Ka Vàng", "Bản Hà Vi", "Bản Tà Rà"],
    "19147": ["Bản Cà Roòng", "Bản Nồng Ma", "Bản Ka Ai"],
}


def load(ctx: dict) -> None:
    hubs = {}
    for spec in HUBS:
        hub, _created = Hub.objects.get_or_create(
            name=spec["name"],
            defaults={
                "commune_id": spec["commune"],
                "address": spec["address"],
                "phone": spec["phone"],
            },
        )
        hub.serves.set(Commune.objects.filter(code__in=spec["serves"]))
        hubs[spec["commune"]] = hub
    for code, names in VILLAGES.items():
        for name in names:
            Village.objects.get_or_create(commune_id=code, name=name)
    ctx["hubs"] = hubs
