import factory
from django.contrib.auth.models import Group, User

from outsourcing.models import Certification, Language, Service, ServiceCategory, Vendor


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A routine back-office service; pass `kpo=True` for an expert one."""

    class Meta:
        model = Service

    class Params:
        kpo = factory.Trait(
            process_type="kpo",
            task_complexity=5,
            skill_scarcity=5,
            decision_authority=4,
            process_definition=4,
            core_proximity=4,
            customization=5,
            driving_force=5,
            technology=4,
            customer_contact=1,
        )

    category = factory.SubFactory(ServiceCategoryFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    process_type = "bpo"
    summary = "Keying records from paper into a system."
    description = "A provider keys the records and checks them twice."
    typical_tasks = "Key invoices\nCheck totals"
    task_complexity = 1
    skill_scarcity = 1
    decision_authority = 1
    process_definition = 1
    core_proximity = 1
    customization = 1
    driving_force = 1
    technology = 1
    customer_contact = 1


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ["code"]

    code = "en"
    name = "English"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification
        django_get_or_create = ["code"]

    code = "iso-27001"
    name = "ISO 27001"


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Vendor {n:04d}")
    slug = factory.Sequence(lambda n: f"vendor-{n:04d}")
    pitch = "Careful back-office work."
    description = "A fictional vendor for tests."
    website = "https://vendor.example"
    founded_year = 2010
    headquarters = "PH"
    delivery_countries = ["PH"]
    team_size = Vendor.TeamSize.MEDIUM
    hourly_rate_min = 10
    hourly_rate_max = 20
    is_sample = True

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            self.services.set(extracted)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create:
            self.languages.set(extracted or [LanguageFactory()])

    @factory.post_generation
    def certifications(self, create, extracted, **kwargs):
        if create and extracted:
            self.certifications.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


def catalog_editor() -> User:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Catalog editors"))
    return user


ROUTINE_ANSWERS = {"task_complexity": "1", "skill_scarcity": "1", "decision_authority": "1"}
EXPERT_ANSWERS = {"task_complexity": "5", "skill_scarcity": "5", "decision_authority": "5"}
# What the questionnaire requires besides the answers.
WORK = {"task_name": "Market entry research"}
