"""Names in Spanish for the publication's codes, tables, units and dimensions, and for the research figures.

Must not import Streamlit or data layers.
"""

from __future__ import annotations

# Codes of "precinct" and "district" are named in code (letters and numbers); neighborhoods are proper names.
CODE_LABELS: dict[str, dict[str, str]] = {
    "kind": {"requested": "Solicitados", "connected": "Conectados"},  # the Resources page's two series
    "business_district": {  # whether the place is in one of the city's business districts
        "true": "En zona comercial",
        "false": "Fuera de zona comercial",
        "unknown": "Desconocido",
    },
    "pathway": {
        "arrest_diversion": "Desvío en el arresto",
        "social_contact": "Contacto social",
        "community_referral": "Derivación comunitaria",
        "unknown": "No registrado",
    },
    "source": {
        "police_officer": "Agente de policía",
        "community_member": "Miembro de la comunidad",
        "business": "Comercio",
        "service_provider": "Proveedor de servicios",
        "other": "Otro",
        "unknown": "No registrado",
    },
    "offense_category": {
        "drug_possession": "Posesión de drogas",
        "drug_sale": "Venta de drogas",
        "sex_work": "Trabajo sexual",
        "shoplifting": "Hurto en tiendas",
        "other_theft": "Otros robos",
        "trespass": "Entrada ilegal",
        "other": "Otro",
        "none": "Sin delito",
        "unknown": "No registrado",
    },
    "outcome": {
        "enrolled": "Inscripción",
        "ineligible": "No elegible",
        "declined": "No aceptó",
        "no_intake": "Sin admisión",
        "pending": "Pendiente",
        "unknown": "No registrado",
    },
    "gender": {
        "woman": "Mujer",
        "man": "Hombre",
        "transgender": "Transgénero",
        "nonbinary": "No binario",
        "other": "Otro",
        "unknown": "No registrado",
    },
    "race_ethnicity": {
        "american_indian_alaska_native": "Indígena americano o nativo de Alaska",
        "asian": "Asiático",
        "black": "Negro o afroamericano",
        "hispanic_latino": "Hispano o latino",
        "native_hawaiian_pacific_islander": "Nativo de Hawái o de las islas del Pacífico",
        "white": "Blanco",
        "multiracial": "Multirracial",
        "other": "Otro",
        "unknown": "No registrado",
    },
    "housing_at_intake": {
        "unsheltered": "Sin refugio",
        "shelter": "Refugio",
        "transitional": "Vivienda transitoria",
        "housed": "Con vivienda",
        "unknown": "No registrado",
    },
    "age_band": {
        "under_25": "Menos de 25",
        "25_34": "25 a 34",
        "35_44": "35 a 44",
        "45_54": "45 a 54",
        "55_and_over": "55 o más",
        "unknown": "No registrado",
    },
    "staff_role": {
        "case_manager": "Gestor de casos",
        "peer_outreach": "Promotor de pares",
        "police_officer": "Agente de policía",
        "other": "Otro",
        "unknown": "No registrado",
    },
    "substantive": {  # whether a contact was substantive
        "true": "Sustancial",
        "false": "No sustancial",
    },
    "service_type": {
        "housing": "Vivienda",
        "shelter": "Refugio",
        "substance_use_treatment": "Tratamiento de adicciones",
        "mental_health": "Salud mental",
        "medical_care": "Atención médica",
        "identification": "Identificación",
        "benefits": "Beneficios públicos",
        "legal": "Asistencia legal",
        "education": "Educación",
        "job_training": "Capacitación laboral",
        "employment": "Empleo",
        "child_care": "Cuidado infantil",
        "transportation": "Transporte",
        "other": "Otro",
        "unknown": "No registrado",
    },
    "status": {
        # a service (el servicio)
        "requested": "Solicitado",
        "waitlisted": "En lista de espera",
        "connected": "Conectado",
        "completed": "Completado",
        "declined": "Rechazado",
        "unavailable": "No disponible",
        "unknown": "No registrado",
        # a focus area (el área prioritaria)
        "proposed": "Propuesta",
        "active": "Activa",
        "closed": "Cerrada",
    },
    "obstacle_type": {
        "wait_list": "Lista de espera",
        "no_capacity": "Sin cupo",
        "eligibility_rule": "Requisito de elegibilidad",
        "missing_documents": "Faltan documentos",
        "transportation": "Transporte",
        "cost": "Costo",
        "legal_barrier": "Barrera legal",
        "staffing": "Falta de personal",
        "other": "Otro",
        "unknown": "No registrado",
    },
    "suggested_by": {
        "community": "Comunidad",
        "business": "Comercios",
        "police": "Policía",
        "program": "Programa",
        "unknown": "No registrado",
    },
    "topic": {
        "drug_activity": "Actividad de drogas",
        "retail_theft": "Robo en comercios",
        "sex_work": "Trabajo sexual",
        "encampment": "Campamento",
        "public_disorder": "Desorden público",
        "other": "Otro",
        "unknown": "No registrado",
    },
    "handoff_within_30_min": {  # an arrest diversion handed off within 30 minutes
        "true": "Sí",
        "false": "No",
    },
    "intake_within_7_days": {  # a referral with intake within 7 days
        "true": "Sí",
        "false": "No",
    },
    "gender_group": {
        "woman": "Mujer",
        "man": "Hombre",
        "another_gender_or_unknown": "Otro género o no registrado",
    },
    "race_ethnicity_group": {
        "black": "Negro o afroamericano",
        "white": "Blanco",
        "hispanic_latino": "Hispano o latino",
        "another_or_unknown": "Otra raza o etnia, o no registrada",
    },
    "service_group": {
        "housing": "Vivienda",
        "shelter": "Refugio",
        "substance_use_treatment": "Tratamiento de adicciones",
        "mental_health": "Salud mental",
        "medical_care": "Atención médica",
        "other_services": "Otros servicios",
    },
    "obstacle_group": {
        "wait_list": "Lista de espera",
        "no_capacity": "Sin cupo",
        "missing_documents": "Faltan documentos",
        "other_obstacles": "Otros obstáculos",
    },
}

_THEFT = "Derivaciones por hurto en tiendas y otros robos"

TABLE_TITLES: dict[str, str] = {
    "referrals_by_month": "Derivaciones por mes",
    "referrals_by_quarter": "Derivaciones por trimestre",
    "referrals_by_year": "Derivaciones por año",
    "referrals_by_quarter_pathway": "Derivaciones por trimestre y vía",
    "referrals_by_year_source": "Derivaciones por año y fuente",
    "referrals_by_month_outcome": "Derivaciones por mes y resultado (el embudo)",
    "referrals_by_year_offense": "Derivaciones por año y categoría de delito",
    "referrals_by_neighborhood_year": "Derivaciones por barrio y año",
    "referrals_by_precinct_quarter_pooled": "Derivaciones por distrito policial y trimestre",
    "referrals_by_precinct_quarter": "Derivaciones por distrito policial y trimestre",
    "referrals_by_precinct_year": "Derivaciones por distrito policial y año",
    "referrals_by_12_months": "Derivaciones en cada período de 12 meses",
    "referrals_by_precinct_12_months": "Derivaciones por distrito policial en cada período de 12 meses",
    "referrals_by_district_12_months": "Derivaciones por distrito municipal en cada período de 12 meses",
    "theft_referrals_by_quarter": f"{_THEFT}, por trimestre",
    "theft_referrals_by_business_district_year": f"{_THEFT}, por zona comercial y año",
    "theft_referrals_in_business_districts_by_year": f"{_THEFT} en las zonas comerciales (en conjunto), por año",
    "theft_referrals_by_year_outcome": "Qué pasó con las derivaciones por hurto en tiendas y otros robos, por año",
    "arrest_diversions_by_quarter": "Desvíos en el arresto por trimestre",
    "handoffs_within_30_min_by_quarter": "Desvíos en el arresto entregados en 30 minutos o menos, por trimestre",
    "intakes_within_7_days_by_quarter": "Derivaciones con admisión en 7 días o menos, por trimestre",
    "enrollments_by_month": "Nuevas inscripciones por mes",
    "enrollments_by_year": "Nuevas inscripciones por año",
    "enrollments_by_year_gender": "Nuevas inscripciones por año y género",
    "enrollments_by_year_race_ethnicity": "Nuevas inscripciones por año, raza y etnia",
    "enrollments_by_year_age_band": "Nuevas inscripciones por año y franja de edad",
    "enrollments_by_year_housing": "Nuevas inscripciones por año y situación de vivienda en la admisión",
    "enrollments_by_year_gender_group": "Nuevas inscripciones por año y grupo de género",
    "enrollments_by_year_race_ethnicity_group": "Nuevas inscripciones por año y grupo de raza y etnia",
    "active_participants_by_month": "Personas activas en el programa por mes",
    "contacts_by_month": "Contactos por mes",
    "contacts_by_month_staff_role": "Contactos por mes y función del personal",
    "services_requested_by_quarter_type": "Servicios solicitados por trimestre y tipo",
    "services_connected_by_month": "Servicios conectados por mes",
    "services_connected_by_quarter_type": "Servicios conectados por trimestre y tipo",
    "services_waiting_by_quarter_type": "Servicios en lista de espera al cierre de cada trimestre, por tipo",
    "median_days_to_connection_by_year_type": (
        "Mediana de días desde la solicitud hasta la conexión, por año y tipo de servicio"
    ),
    "services_requested_by_quarter_service_group": "Servicios solicitados por trimestre y grupo de servicios",
    "services_connected_by_quarter_service_group": "Servicios conectados por trimestre y grupo de servicios",
    "services_waiting_by_quarter_service_group": (
        "Servicios en lista de espera al cierre de cada trimestre, por grupo de servicios"
    ),
    "median_days_to_connection_by_year_service_group": (
        "Mediana de días desde la solicitud hasta la conexión, por año y grupo de servicios"
    ),
    "obstacles_reported_by_quarter_type": "Obstáculos reportados por trimestre y tipo",
    "obstacles_open_by_month_type": "Obstáculos aún abiertos al cierre de cada mes, por tipo",
    "obstacles_reported_by_quarter_obstacle_group": "Obstáculos reportados por trimestre y grupo de obstáculos",
    "obstacles_open_by_month_obstacle_group": "Obstáculos aún abiertos al cierre de cada mes, por grupo de obstáculos",
    "focus_areas_by_neighborhood": "Áreas prioritarias por barrio, tema, quién las sugirió y estado",
    "case_managers_by_month": "Gestores de casos por mes",
}

UNITS: dict[str, str] = {
    "case managers": "gestores de casos",
    "contacts": "contactos",
    "days": "días",
    "focus areas": "áreas prioritarias",
    "obstacles": "obstáculos",
    "participants": "participantes",
    "referrals": "derivaciones",
    "services": "servicios",
}

DIMENSION_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "age_band": "age band",
        "business_district": "business district",
        "district": "council district",
        "gender": "gender",
        "gender_group": "gender group",
        "handoff_within_30_min": "handed off within 30 minutes",
        "housing_at_intake": "housing at intake",
        "intake_within_7_days": "intake within 7 days",
        "month": "month",
        "neighborhood": "neighborhood",
        "obstacle_group": "obstacle group",
        "obstacle_type": "obstacle type",
        "offense_category": "offense category",
        "outcome": "outcome",
        "pathway": "pathway",
        "precinct": "precinct",
        "quarter": "quarter",
        "race_ethnicity": "race/ethnicity",
        "race_ethnicity_group": "race/ethnicity group",
        "service_group": "service group",
        "service_type": "service type",
        "source": "source",
        "staff_role": "staff role",
        "status": "status",
        "substantive": "substantive contact",
        "suggested_by": "suggested by",
        "topic": "topic",
        "twelve_months": "12-month window",
        "year": "year",
    },
    "es": {
        "age_band": "franja de edad",
        "business_district": "zona comercial",
        "district": "distrito municipal",
        "gender": "género",
        "gender_group": "grupo de género",
        "handoff_within_30_min": "entrega en 30 minutos o menos",
        "housing_at_intake": "vivienda en la admisión",
        "intake_within_7_days": "admisión en 7 días o menos",
        "month": "mes",
        "neighborhood": "barrio",
        "obstacle_group": "grupo de obstáculos",
        "obstacle_type": "tipo de obstáculo",
        "offense_category": "categoría de delito",
        "outcome": "resultado",
        "pathway": "vía",
        "precinct": "distrito policial",
        "quarter": "trimestre",
        "race_ethnicity": "raza y etnia",
        "race_ethnicity_group": "grupo de raza y etnia",
        "service_group": "grupo de servicios",
        "service_type": "tipo de servicio",
        "source": "fuente",
        "staff_role": "función del personal",
        "status": "estado",
        "substantive": "contacto sustancial",
        "suggested_by": "sugerida por",
        "topic": "tema",
        "twelve_months": "período de 12 meses",
        "year": "año",
    },
}

# Figures from published studies of other LEAD programs (dashboard/research/lead-published-figures.csv).
RESEARCH_METRICS: dict[str, dict[str, str]] = {
    "en": {
        "evaluation_sample_total": "People in the evaluation, all",
        "evaluation_sample_lead": "People in the evaluation, LEAD group",
        "evaluation_sample_control": "People in the evaluation, control group",
        "odds_of_arrest_6mo_vs_control": "Odds of arrest in the first 6 months, vs. control group",
        "odds_of_arrest_longer_term_vs_control": "Odds of arrest over the longer term, vs. control group",
        "odds_of_felony_charge_longer_term_vs_control": (
            "Odds of a felony charge over the longer term, vs. control group"
        ),
        "cost_study_sample_lead": "People in the cost study, LEAD group",
        "cost_study_sample_comparison": "People in the cost study, comparison group",
        "jail_bookings_per_year_diff": "Jail bookings per person per year, difference vs. comparison group",
        "jail_days_per_year_diff": "Days in jail per person per year, difference vs. comparison group",
        "odds_of_prison_incarceration_vs_comparison": "Odds of going to prison, vs. comparison group",
        "legal_cost_change_lead": "Change in legal system costs, LEAD group",
        "legal_cost_change_comparison": "Change in legal system costs, comparison group",
        "program_start": "Program start",
        "crimesolutions_rating": "CrimeSolutions rating",
        "individuals_diverted_cumulative_to_2018_10": "People diverted, total through October 2018",
        "enrolled_one_year_after_council_approval": "People enrolled one year after city council approval",
        "jail_cost_change_engaged_clients_prelim": "Change in jail costs, engaged participants (preliminary)",
        "eligible_offenses": "Offenses eligible for LEAD",
    },
    "es": {
        "evaluation_sample_total": "Personas en la evaluación, total",
        "evaluation_sample_lead": "Personas en la evaluación, grupo de LEAD",
        "evaluation_sample_control": "Personas en la evaluación, grupo de control",
        "odds_of_arrest_6mo_vs_control": (
            "Posibilidades de arresto en los primeros 6 meses, frente al grupo de control"
        ),
        "odds_of_arrest_longer_term_vs_control": (
            "Posibilidades de arresto a más largo plazo, frente al grupo de control"
        ),
        "odds_of_felony_charge_longer_term_vs_control": (
            "Posibilidades de una acusación por delito grave a más largo plazo, frente al grupo de control"
        ),
        "cost_study_sample_lead": "Personas en el estudio de costos, grupo de LEAD",
        "cost_study_sample_comparison": "Personas en el estudio de costos, grupo de comparación",
        "jail_bookings_per_year_diff": (
            "Ingresos a la cárcel por persona al año, diferencia frente al grupo de comparación"
        ),
        "jail_days_per_year_diff": "Días en la cárcel por persona al año, diferencia frente al grupo de comparación",
        "odds_of_prison_incarceration_vs_comparison": "Posibilidades de ir a prisión, frente al grupo de comparación",
        "legal_cost_change_lead": "Cambio en los costos del sistema judicial, grupo de LEAD",
        "legal_cost_change_comparison": "Cambio en los costos del sistema judicial, grupo de comparación",
        "program_start": "Inicio del programa",
        "crimesolutions_rating": "Calificación de CrimeSolutions",
        "individuals_diverted_cumulative_to_2018_10": "Personas desviadas, total hasta octubre de 2018",
        "enrolled_one_year_after_council_approval": (
            "Personas inscritas un año después de la aprobación del concejo municipal"
        ),
        "jail_cost_change_engaged_clients_prelim": "Cambio en los costos de cárcel, participantes activos (preliminar)",
        "eligible_offenses": "Delitos elegibles para LEAD",
    },
}

RESEARCH_UNITS: dict[str, str] = {
    "people": "personas",
    "percent (lower odds)": "por ciento (menos posibilidades)",
    "bookings/person/year": "ingresos/persona/año",
    "days/person/year": "días/persona/año",
    "USD pre-to-post": "dólares, de antes a después",
    "month": "mes",
    "rating": "calificación",
    "percent": "por ciento",
    "text": "texto",
}

# The research file's figures that are words, not numbers.
RESEARCH_VALUES: dict[str, str] = {
    "Promising": "Prometedor",
    "shoplifting; minor theft; possession; paraphernalia": "hurto en tiendas; robo menor; posesión; parafernalia",
}
