// What the case page shows of an Open311 filing's point and address id.
export const messages = {
  'zh-CN': {
    open311: {
      coordinates: '坐标（WGS84）',
      coordinatesValue: '纬度 {{lat}}，经度 {{long}}',
      addressId: '地址编号',
    },
  },
  en: {
    open311: {
      coordinates: 'Coordinates (WGS84)',
      coordinatesValue: 'latitude {{lat}}, longitude {{long}}',
      addressId: 'Address id',
    },
  },
};
