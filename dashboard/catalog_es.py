"""Spanish text of every message id in ``dashboard.catalog`` (same ids, same ``{fields}``).

Must not import Streamlit or data layers.
"""

from __future__ import annotations

SPANISH: dict[str, str] = {
    "app.title": "Panel público de LEAD",
    "app.tagline": "Desvío asistido por la policía (LEAD): derivaciones, personas atendidas, recursos y obstáculos.",
    "app.unavailable": "Las cifras no están disponibles en este momento. Se puede volver a intentar más tarde.",
    "app.misconfigured": "El panel no está bien configurado; ya se avisó a sus responsables.",
    "app.no_archive": "Las cifras aún no se han publicado. Se puede volver a consultar pronto.",
    "app.no_demo_archive": (
        "Las cifras de demostración aún no están preparadas: el panel debe iniciarse con scripts/run-dashboard."
    ),
    "app.stale": (
        "Estas cifras terminan en {month}; la siguiente publicación debía salir a más tardar el {due}. "
        "Pueden estar desactualizadas."
    ),
    "release.unknown": "No hay ninguna publicación en esa dirección; se muestra la más reciente, {shown}.",
    "release.withdrawn": (
        "La publicación de {requested} se retiró (ver Sobre los datos); se muestra la más reciente, {shown}."
    ),
    "app.as_of": "Datos al {as_of}; meses completos de {first} a {last}.",
    "footnote.suppressed": (
        "{symbol} Reservado para proteger la privacidad: la cifra es menor que {k}, se basa en menos de {k} "
        "personas o permitiría calcular una cifra así a partir de las demás. Los gráficos dejan un hueco ahí, "
        "nunca un cero."
    ),
    "footnote.partial": "“Hasta la fecha” marca un trimestre o año cuyos últimos meses aún no han terminado.",
    "footnote.unstable": "Los porcentajes con un numerador menor que 20 pueden variar mucho de un período a otro.",
    "nav.monthly": "Resultados mensuales",
    "nav.neighborhoods": "Barrios",
    "nav.resources": "Recursos y obstáculos",
    "nav.retail": "Robo en comercios",
    "nav.people": "Personas atendidas",
    "nav.briefing": "Resumen",
    "nav.about": "Sobre los datos",
    "common.month": "Mes",
    "common.quarter": "Trimestre",
    "common.year": "Año",
    "common.neighborhood": "Barrio",
    "common.precinct": "Distrito policial",
    "common.download_csv": "Descargar esta tabla (CSV)",
    "common.city": "Toda la ciudad",
    "common.city_total": "Todas las derivaciones",
    "common.referrals": "derivaciones",
    "common.enrollments": "nuevas inscripciones",
    "common.theft_referrals": "derivaciones por hurto en tiendas y otros robos",
    "common.not_published": "No se publica para este período.",
    "common.not_in_release": "Esta parte no está en la publicación que se está viendo.",
    "chart.withheld": "{n} de {m} valores de este gráfico se reservan ({symbol}) para proteger la privacidad.",
    "chart.all_withheld": (
        "Los {n} valores de este gráfico se reservan para proteger la privacidad; se publican los totales de "
        "períodos más largos y áreas más grandes de esta página, y todas las tablas de Sobre los datos."
    ),
    "chart.mostly_withheld": (
        "{n} de {m} valores se reservan ({symbol}) para proteger la privacidad, demasiados para un gráfico; "
        "los publicados están en la tabla de abajo. {coarser}"
    ),
    "chart.all_withheld_pointer": "Los {n} valores de este gráfico se reservan para proteger la privacidad. {coarser}",
    "coarser.groups": (
        "Aquí las categorías más pequeñas se cuentan juntas, para que cada grupo tenga una cifra publicada; "
        "las categorías por separado están en la tabla {table} (Sobre los datos, descargas)."
    ),
    "coarser.group_members": "{group}: incluye {codes}.",
    "coarser.total": "Se publica la cifra del conjunto: {value} {what} en {period}.",
    "kpi.referrals": "Derivaciones",
    "kpi.enrollments": "Nuevas inscripciones",
    "kpi.active": "Personas activas",
    "kpi.connected": "Servicios conectados",
    "kpi.vs_previous": "frente a {period}",
    "kpi.vs_last_year": "{change} frente a {period}",
    "monthly.title": "Resultados mensuales",
    "monthly.intro": ("Lo que hizo el programa en {month} y cómo se compara con el mes anterior y con un año antes."),
    "monthly.choose_month": "Mes",
    "monthly.referrals_by_pathway": "Derivaciones por vía",
    "monthly.referrals_by_source": "Quién hizo las derivaciones",
    "monthly.funnel": "Qué pasó con las derivaciones",
    "monthly.choose_place": "Lugar",
    "monthly.city_header": "En toda la ciudad",
    "monthly.city_only": (
        "Las vías, las fuentes y los resultados se publican solo para toda la ciudad: en áreas más pequeñas "
        "quedarían casi todos reservados."
    ),
    "place.city_option": "Toda la ciudad",
    "place.city": "toda la ciudad",
    "place.precinct": "Distrito policial {name}",
    "place.referrals_twelve_months": "Derivaciones en {period}",
    "place.referrals_year": "Derivaciones en {period}",
    "place.level_help": "Se cuenta para {where}, el área más pequeña cuya cifra se publica.",
    "place.own_figure": "Cifra propia de {hood}.",
    "place.counted_with": (
        "{hood} se cuenta junto con el resto de {where}: su propia cifra es demasiado pequeña para publicarla."
    ),
    "place.share": "Porcentaje de las derivaciones de la ciudad en {where}",
    "place.share_axis": "Porcentaje de las derivaciones de la ciudad (%)",
    "place.share_title": "{where}: porcentaje de las derivaciones de la ciudad, por año",
    "place.share_summary": (
        "{where} tuvo el {first} de las derivaciones de la ciudad en {first_period} y el {last} en {last_period}."
    ),
    "kpi.in_period": "{what} en {period}",
    "summary.trend": "{what}: de {first} en {first_period} a {last} en {last_period}{extreme}.",
    "summary.trend_highest": ", la cifra más alta desde {since}",
    "summary.trend_lowest": ", la cifra más baja desde {since}",
    "summary.trend_record": ", la cifra más alta del período mostrado",
    "summary.latest_only": "{what}: {last} en {last_period}.",
    "summary.no_data": "{what}: todas las cifras de esta vista se reservan para proteger la privacidad.",
    "summary.largest_share": "En {period}, {largest} fue el grupo más grande ({value} de {total}).",
    "summary.largest_published": (
        "En {period}, {largest} tuvo la cifra publicada más alta ({value}); {withheld} de las {m} cifras "
        "se reservan y podrían ser mayores."
    ),
    "summary.largest": "En {period}, {largest} fue el grupo más grande ({value}).",
    "summary.funnel": "De {total} derivaciones en {period}, {enrolled} terminaron en inscripción.",
    "neighborhoods.title": "Barrios",
    "neighborhoods.intro": (
        "Derivaciones por barrio, distrito municipal y distrito policial. Las áreas con pocas derivaciones "
        "se reservan: quedan sin color y marcadas con ‡, sin número. Los distritos municipales agrupan barrios "
        "pequeños para que más áreas tengan cifra."
    ),
    "neighborhoods.map_caption": "Mapa de las derivaciones en {period}, por área; todas las cifras están en la "
    "tabla ordenada al lado.",
    "map.legend_class": "{shade}, de {low} a {high}",
    "map.legend_single": "{shade}, {value}",
    "map.legend": "Derivaciones: {classes}. Sin color con {symbol}: reservado para proteger la privacidad.",
    "neighborhoods.by_district": "Distritos municipales",
    "neighborhoods.districts": "Derivaciones por distrito municipal",
    "neighborhoods.ranked": "Barrios ordenados por derivaciones",
    "neighborhoods.precincts": "Derivaciones por distrito policial",
    "neighborhoods.focus": "Áreas prioritarias sugeridas por la comunidad, los comercios, la policía y el programa",
    "neighborhoods.view": "Vista",
    "neighborhoods.by_neighborhood": "Barrios",
    "neighborhoods.by_precinct": "Distritos policiales",
    "resources.title": "Recursos y obstáculos",
    "resources.intro": "Qué pidieron las personas, qué recibieron, cuánto tardó y qué se interpuso en el camino.",
    "resources.requested_connected": "Servicios solicitados y conectados",
    "resources.median_days": "Mediana de días desde la solicitud hasta la conexión",
    "resources.obstacles": "Obstáculos reportados",
    "resources.obstacles_open": "Obstáculos aún abiertos al cierre del mes",
    "resources.waiting": "Servicios en lista de espera al cierre del trimestre",
    "resources.caseload": "Personas activas por gestor de casos",
    "resources.ceiling": "Rango recomendado ({low} a {high})",
    "resources.bottleneck_wait": "La espera más larga fue para {service}: una mediana de {days} días en {year}.",
    "resources.bottleneck_obstacle": "El obstáculo más reportado en {period} fue {obstacle} ({value}).",
    "resources.bottleneck_caseload_over": (
        "En {month}, cada gestor de casos atendió en promedio a {value} personas, por encima de las {high} "
        "recomendadas."
    ),
    "resources.bottleneck_caseload_ok": (
        "En {month}, cada gestor de casos atendió en promedio a {value} personas, dentro del rango "
        "recomendado de {low} a {high}."
    ),
    "resources.bottleneck_waiting": (
        "Al final de {period}, había {value} solicitudes de {service} en lista de espera, más que en cualquier "
        "otro servicio."
    ),
    "retail.title": "Robo en comercios",
    "retail.intro": (
        "Derivaciones por hurto en tiendas y otros robos que se desviaron a gestión de casos en lugar de la cárcel."
    ),
    "retail.by_period": "Derivaciones por hurto en tiendas y otros robos",
    "retail.by_district": "Por zona comercial",
    "retail.districts_together": "En las zonas comerciales, en conjunto",
    "retail.districts_together_what": "Derivaciones por robo en las zonas comerciales",
    "retail.outcomes": "Qué pasó con estas derivaciones",
    "retail.focus": "Áreas prioritarias sugeridas por los comercios",
    "people.title": "Personas atendidas",
    "people.intro": (
        "Quiénes se inscriben en el programa y quiénes los atienden: LEAD pide servicios adecuados a las "
        "personas que atiende y promotores de pares que lo hayan vivido."
    ),
    "people.by_gender": "Nuevas inscripciones por género",
    "people.by_race": "Nuevas inscripciones por raza y etnia",
    "people.by_age": "Nuevas inscripciones por edad",
    "people.by_housing": "Nuevas inscripciones por situación de vivienda en la admisión",
    "people.enrollments": "Nuevas inscripciones",
    "people.contacts": "Contactos por función del personal",
    "people.contacts_axis": "Contactos",
    "people.peer_contacts": "Contactos de promotores de pares",
    "people.role": "Función del personal",
    "briefing.title": "Resumen",
    "briefing.intro": (
        "Las cifras clave de {period}, para una reunión pública. Para una copia limpia, se puede usar la "
        "opción Imprimir del navegador."
    ),
    "briefing.period": "Período",
    "briefing.headline": "Cifras principales",
    "briefing.comparisons": "Comparaciones justas: el mismo trimestre un año antes",
    "briefing.fixable": "Obstáculos que se podrían resolver con dinero",
    "briefing.handoff": "Desvíos en el arresto entregados a un gestor de casos en 30 minutos o menos",
    "briefing.intake": "Derivaciones con admisión en 7 días o menos",
    "briefing.demo": "datos de demostración, no de un programa real",
    "briefing.released": "Publicación con datos al {as_of}, publicada el {generated}.",
    "briefing.trend": "Derivaciones por trimestre, de {first} a {last}",
    "briefing.more": "Todas las cifras, definiciones y descargas: {url}. Preguntas: {contact}.",
    "briefing.share_line": "**{what}**: {now} en {period}{note}; {then} en {earlier}.",
    "briefing.waiting_line": "{value} solicitudes de {service} en lista de espera al final de {period}.",
    "briefing.print_hint": "Consejo: al imprimir esta página (Ctrl+P o ⌘P) se obtiene un folleto de una o dos páginas.",
    "about.title": "Sobre los datos",
    "about.what": "Qué significa cada cifra",
    "about.protection": "Cómo se protegen las cifras pequeñas",
    "about.protection_text": (
        "Ninguna cifra aquí describe a menos de {k} personas. Se reserva todo conteo de 1 a {k_minus_1}, "
        "todo conteo que se base en menos de {k} personas o que corresponda casi todo a una sola persona, "
        "y todo cero de un lugar con nombre. También se reserva cualquier otra cifra que permitiría calcular "
        "una reservada, en cualquier tabla, sumando o restando: cada publicación pasa por una auditoría "
        "independiente que demuestra, con programación entera, que ninguna cifra reservada se puede "
        "determinar ni ubicar entre 1 y {k_minus_1}. Cuando una tabla quedaría casi toda reservada, se "
        "publica en su lugar por períodos más largos o áreas más grandes."
    ),
    "about.coverage": "Cobertura",
    "about.coverage_text": (
        "Datos al {as_of}. Meses completos de {first} a {last}; el mes en curso nunca se muestra hasta que termina."
    ),
    "about.research": "Qué encontraron las investigaciones en otros lugares",
    "about.research_note": (
        "Estos son resultados de estudios de otros programas LEAD (sobre todo de los primeros años en Seattle), "
        "no cifras de este programa."
    ),
    "about.downloads": "Descargas",
    "about.download_all": "La publicación completa (ZIP)",
    "about.pooled_download": "{title}, agrupada desde una tabla más detallada",
    "about.dictionary": "Diccionario de datos, en inglés y español (CSV)",
    "about.contact": "¿Preguntas, o una cifra que parece incorrecta? Se puede escribir a {contact}.",
    "about.releases": "Publicaciones",
    "about.releases_text": (
        "Las cifras se publican una vez al mes (o una vez al trimestre), y cada publicación se conserva tal "
        "como salió. Las cifras de meses terminados mantienen el valor y la protección con que se publicaron "
        "por primera vez, así que guardar todas las publicaciones no revela nada que una sola oculte."
    ),
    "about.release_viewing": "Se muestra la publicación de {id}.",
    "about.release_list": "Todas las publicaciones",
    "about.release_link": "Ver la publicación de {id}",
    "about.changed": "Qué cambió desde la publicación de {previous}",
    "about.changed_periods": "Períodos nuevos: {periods}.",
    "about.changed_none": "Ninguna cifra que aparece en las dos publicaciones cambió.",
    "about.changed_revised": "Cifras revisadas (presentes en las dos publicaciones, con valor anterior y nuevo):",
    "about.first_release": "Esta es la primera publicación.",
    "about.revision_policy": "Cuando cambian los registros del programa de un mes terminado",
    "about.revision_policy_text": (
        "A veces los registros se ingresan tarde o se corrigen. Una publicación regular nunca cambia una "
        "cifra de un mes terminado: si cambiaron los registros detrás de una cifra publicada, la publicación "
        "se detiene y el programa revisa el cambio. Luego se publica como revisión, marcada así en la lista "
        "de arriba. Una cifra revisada se muestra con su nuevo valor solo cuando el cambio en sí no es un "
        "conteo pequeño (1 a {k_minus_1}) que se revelaría al comparar las dos publicaciones; si no, se "
        "reserva. Una cifra reservada una vez sigue reservada. Una tabla agregada en una publicación "
        "posterior empieza con todos sus meses, protegidos junto con todo lo ya publicado. El umbral, el "
        "primer mes y la forma en que los barrios se agrupan en distritos policiales se mantienen durante "
        "toda la vida de un archivo; un nuevo umbral inicia un nuevo archivo. Los trimestres y años aparecen "
        'cuando están completos: un período "hasta la fecha" revelaría, al compararlo con la siguiente '
        "publicación, el conteo exacto de los meses intermedios."
    ),
    "about.boundaries": "Límites del mapa",
    "about.boundaries_ok": "Cada barrio tiene un polígono en el mapa.",
    "about.boundaries_unreadable": "No se puede leer el archivo de límites del mapa, así que el mapa no se muestra.",
    "about.no_polygon": "Barrios sin polígono: {names}.",
    "about.no_neighborhood": "Polígonos sin barrio: {names}.",
    "pooled.note": (
        "Se publica por {grain} en lugar del nivel declarado: las cifras más detalladas quedarían casi todas "
        "reservadas."
    ),
    "ratio.unstable": "inestable: menos de 20",
    "period.to_date": "{period} (hasta la fecha)",
    "period.twelve_months": "los 12 meses hasta {month}",
    "period.range": "de {first} a {last}",
    "url.unknown_choice": "La dirección pedía un valor de {what} que esta página no tiene; se muestra {shown}.",
    "url.unknown_language": "La dirección pedía un idioma en que este tablero no está escrito; se muestra en inglés.",
    "common.show_table_for": "Ver las cifras: {title}",
    "common.download_csv_for": "Descargar {title} (CSV)",
    "chart.image_source": "{source}. Publicación con datos al {as_of}.",
    "column.pathway": "Vía",
    "column.source": "Quién derivó",
    "column.outcome": "Resultado",
    "column.referrals": "Derivaciones",
    "column.district": "Distrito municipal",
    "column.business_district": "Zona comercial",
    "column.topic": "Tema",
    "column.suggested_by": "Propuesta por",
    "column.status": "Estado",
    "column.focus_areas": "Áreas prioritarias",
    "column.service": "Servicio",
    "column.kind": "Solicitado o conectado",
    "column.services": "Servicios",
    "column.median_days": "Mediana de días",
    "column.obstacle": "Obstáculo",
    "column.obstacles": "Obstáculos",
    "column.open": "Abiertos",
    "column.waiting": "En espera",
    "column.people_active": "Personas activas",
    "column.case_managers": "Gestores de casos",
    "column.release": "Publicación",
    "column.months": "Meses",
    "column.release_kind": "Tipo",
    "column.revised_figures": "Cifras revisadas",
    "column.withdrawn": "Retirada",
    "column.table": "Tabla",
    "column.cell": "Celda",
    "column.before": "Antes",
    "column.now": "Ahora",
    "column.counts": "Cuenta",
    "column.by": "Por",
    "column.note": "Nota",
    "column.where": "Dónde",
    "column.what": "Qué",
    "column.figure": "Cifra",
    "column.unit": "Unidad",
    "column.citation": "Fuente",
    "release.revision": "revisión",
    "release.regular": "ordinaria",
    "axis.services": "Servicios",
    "axis.days": "Días",
    "axis.open_obstacles": "Obstáculos abiertos",
    "resources.bottlenecks": "Dónde están los cuellos de botella",
    "map.shade_0": "azul más claro",
    "map.shade_1": "azul claro",
    "map.shade_2": "azul",
    "map.shade_3": "azul más oscuro",
    "place.district": "Distrito {number}",
    "compass.N": "Norte",
    "compass.NE": "Noreste",
    "compass.E": "Este",
    "compass.SE": "Sureste",
    "compass.S": "Sur",
    "compass.SW": "Suroeste",
    "compass.W": "Oeste",
    "compass.NW": "Noroeste",
    "about.glossary": "Palabras que se usan aquí",
    "glossary.pathway": "**Vía**: cómo llegó una persona a LEAD. Hay tres vías: el desvío en el arresto, el "
    "contacto social y la derivación comunitaria.",
    "glossary.arrest_diversion": "**Desvío en el arresto**: un agente que podría haber arrestado a alguien por un "
    "delito menor le ofrece LEAD, y un gestor de casos se hace cargo.",
    "glossary.social_contact": "**Contacto social**: un agente deriva a alguien con necesidades conocidas, sin "
    "arresto.",
    "glossary.community_referral": "**Derivación comunitaria**: un vecino, un comercio o un proveedor de servicios "
    "deriva a alguien, sin la policía.",
    "glossary.intake": "**Admisión**: la primera reunión en la que la persona y un gestor de casos acuerdan "
    "trabajar juntos; con la admisión se inscribe.",
    "glossary.precinct": "**Distrito policial**: una de las divisiones territoriales de la policía ({precincts}).",
    "glossary.district": "**Distrito municipal**: uno de los distritos electorales del concejo municipal; los "
    "barrios pequeños se cuentan con el resto del suyo.",
    "glossary.median": "**Mediana**: el valor del medio: la mitad de las esperas fue más corta y la otra mitad más "
    "larga. Una espera muy larga no la mueve.",
    "glossary.to_date": "**Hasta la fecha**: un trimestre o un año que aún no termina: su cifra cuenta los meses "
    "transcurridos.",
    "glossary.suppressed": "**{symbol}**: una cifra reservada para proteger la privacidad: es menor que {k}, o "
    "permitiría deducir una cifra así.",
    "glossary.case_manager": "**Gestor de casos**: la persona del programa que trabaja con cada participante en lo "
    "que necesita.",
    "glossary.peer_outreach": "**Promotor de pares**: una persona del equipo con experiencia vivida de lo que "
    "atraviesan los participantes.",
}
