import pytest
from django.core import mail

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_home_page_speaks_vietnamese_first(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tặng một chiếc điện thoại" in html
    assert "English" in html  # the switch


def test_the_language_switch_turns_the_site_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Give a smartphone, connect a family" in html


def test_the_home_page_needs_no_script_and_no_cdn(client):
    html = client.get("/").content.decode()
    assert "<script" not in html
    assert "//cdn" not in html and "googleapis" not in html


def test_signing_in_with_the_right_password_lands_on_my_work(client, officer_a):
    response = client.post(
        "/dang-nhap/", {"username": officer_a.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/nhan-vien/"
    html = response.content.decode()
    assert "Cán bộ xã" in html
    assert "Xã Tà Rụt" in html


def test_wrong_credentials_are_explained_on_the_form(client, officer_a):
    response = client.post("/dang-nhap/", {"username": officer_a.email, "password": "nope"})
    assert response.status_code == 200
    assert "Email hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("officer_a", "Cán bộ xã", "Quản trị viên"),
        ("verifier", "Người xác minh", "Cán bộ xã"),
        ("coordinator_h", "Điều phối viên", "Người xác minh"),
        ("admin", "Quản trị viên", "Điều phối viên"),
    ],
)
def test_the_landing_page_shows_each_role_its_work(client, personas, persona, shown, hidden):
    client.force_login(personas[persona])
    html = client.get("/nhan-vien/").content.decode()
    assert f">{shown}</" in html
    assert f">{hidden}</" not in html


def test_a_donor_who_signs_in_lands_on_their_donations(client, donor):
    response = client.post(
        "/dang-nhap/", {"username": donor.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/cua-toi/"
    assert response.status_code == 200


def test_the_landing_page_needs_a_sign_in(client):
    response = client.get("/nhan-vien/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_signing_out_ends_the_session(client, officer_a):
    client.force_login(officer_a)
    client.post("/dang-xuat/")
    assert "_auth_user_id" not in client.session


def test_a_password_reset_email_lets_a_person_choose_a_new_password(client, officer_a):
    client.post("/mat-khau/quen/", {"email": officer_a.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mat-khau/dat-lai/" in line)
    path = link.split("testserver", 1)[1].strip()
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "brand-new-password-77", "new_password2": "brand-new-password-77"},
        follow=True,
    )
    assert response.status_code == 200
    officer_a.refresh_from_db()
    assert officer_a.check_password("brand-new-password-77")
